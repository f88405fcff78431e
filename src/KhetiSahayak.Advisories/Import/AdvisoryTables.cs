using System.Buffers;
using System.Globalization;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// The <c>advisory</c> and <c>advisory_translation</c> tables of the catalog, and how a validated advisory becomes
/// their positional rows. Columns are found by name, so the catalog may grow (new nullable columns appended); values
/// of columns this code does not know are carried over from the stored row, never blanked.
/// </summary>
internal sealed class AdvisoryTables
{
    public const string AdvisoryTable = "advisory";
    public const string TranslationTable = "advisory_translation";

    private static readonly (string Name, ColumnType Type)[] AdvisoryColumns =
    [
        ("advisory_id", ColumnType.Uuid), ("version", ColumnType.Integer), ("source_type", ColumnType.Text), ("issuing_office", ColumnType.Text),
        ("bulletin_ref", ColumnType.Text), ("category", ColumnType.Text), ("severity", ColumnType.Text), ("imd_colour", ColumnType.Text),
        ("season", ColumnType.Text), ("crop_codes", ColumnType.Json), ("stage_codes", ColumnType.Json), ("pest_disease_code", ColumnType.Text),
        ("district_codes", ColumnType.Json), ("block_codes", ColumnType.Json), ("recommended_inputs", ColumnType.Json), ("issued_at", ColumnType.Timestamp),
        ("valid_from", ColumnType.Timestamp), ("valid_to", ColumnType.Timestamp), ("status", ColumnType.Text), ("primary_lang", ColumnType.Text),
    ];

    private static readonly (string Name, ColumnType Type)[] TranslationColumns =
    [
        ("translation_id", ColumnType.Uuid), ("advisory_id", ColumnType.Uuid), ("lang", ColumnType.Text), ("title", ColumnType.Text),
        ("body", ColumnType.Text), ("sms_text", ColumnType.Text), ("district_codes", ColumnType.Json), ("block_codes", ColumnType.Json),
        ("crop_codes", ColumnType.Json), ("status", ColumnType.Text),
    ];

    private readonly int[] _advisoryOwned;
    private readonly int[] _translationOwned;

    public AdvisoryTables(TableCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Advisory = Resolve(catalog, AdvisoryTable, "advisory_id", AdvisoryColumns);
        Translation = Resolve(catalog, TranslationTable, "translation_id", TranslationColumns);
        _advisoryOwned = AdvisoryColumns.Select(c => Advisory.Ordinal(c.Name)).ToArray();
        _translationOwned = TranslationColumns.Select(c => Translation.Ordinal(c.Name)).ToArray();
        AdvisoryStatus = Advisory.Ordinal("status");
        AdvisoryVersion = Advisory.Ordinal("version");
        AdvisoryValidTo = Advisory.Ordinal("valid_to");
        TranslationStatus = Translation.Ordinal("status");
    }

    public TableDefinition Advisory { get; }

    public TableDefinition Translation { get; }

    public int AdvisoryStatus { get; }

    public int AdvisoryVersion { get; }

    public int AdvisoryValidTo { get; }

    public int TranslationStatus { get; }

    /// <summary>The advisory row for <paramref name="a"/> with <paramref name="status"/>, over the stored row's unknown columns.</summary>
    public object?[] AdvisoryRow(ValidAdvisory a, string status, object?[]? stored) => Fill(Advisory, _advisoryOwned, stored,
    [
        // In AdvisoryColumns' order.
        a.AdvisoryId, a.Version, a.SourceType, a.IssuingOffice, a.BulletinRef, a.Category, a.Severity, a.ImdColour, a.Season,
        a.CropCodesJson, a.StageCodesJson, a.PestDiseaseCode, a.DistrictCodesJson, a.BlockCodesJson, a.RecommendedInputs,
        a.IssuedAt, a.ValidFrom, a.ValidTo, status, a.PrimaryLang,
    ]);

    /// <summary>A translation row: its own texts plus copies of the advisory's filter columns and status.</summary>
    /// <param name="translationId">The translation's id: the stored row's, or <see cref="TranslationIds.For"/> for a new one.</param>
    public object?[] TranslationRow(ValidAdvisory a, ValidTranslation t, Guid translationId, string status, object?[]? stored)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(t);
        return Fill(Translation, _translationOwned, stored,
        [
            // In TranslationColumns' order.
            translationId, a.AdvisoryId, t.Lang, t.Title, t.Body, t.SmsText, a.DistrictCodesJson, a.BlockCodesJson, a.CropCodesJson, status,
        ]);
    }

    /// <summary>True when the rows agree on every column this code writes (optionally ignoring status).</summary>
    public bool SameAdvisory(object?[] a, object?[] b, bool ignoreStatus) => Same(Advisory, _advisoryOwned, a, b, ignoreStatus ? AdvisoryStatus : -1);

    public bool SameTranslation(object?[] a, object?[] b, bool ignoreStatus) => Same(Translation, _translationOwned, a, b, ignoreStatus ? TranslationStatus : -1);

    /// <summary>
    /// The list as JSON, exactly as <see cref="JsonSerializer"/> writes it. Codes (whole numbers; letters, digits,
    /// <c>_</c> and <c>-</c>) are written directly, which needs no escaping; anything else goes through the serializer.
    /// </summary>
    public static string Json(IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);

        // Measured first, then written once into the string: no builder and no per-number strings.
        var length = 2 + Math.Max(0, values.Count - 1);
        for (var i = 0; i < values.Count; i++)
        {
            length += Digits(values[i]);
        }

        return string.Create(length, values, static (span, list) =>
        {
            span[0] = '[';
            var at = 1;
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    span[at++] = ',';
                }

                list[i].TryFormat(span[at..], out var written, default, CultureInfo.InvariantCulture);
                at += written;
            }

            span[at] = ']';
        });
    }

    /// <inheritdoc cref="Json(IReadOnlyList{long})"/>
    public static string Json(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var length = 2 + Math.Max(0, values.Count - 1);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].AsSpan().ContainsAnyExcept(CodeCharacters))
            {
                return JsonSerializer.Serialize(values);
            }

            length += values[i].Length + 2;
        }

        return string.Create(length, values, static (span, list) =>
        {
            span[0] = '[';
            var at = 1;
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    span[at++] = ',';
                }

                span[at++] = '"';
                list[i].CopyTo(span[at..]);
                at += list[i].Length;
                span[at++] = '"';
            }

            span[at] = ']';
        });
    }

    /// <summary>Characters of <paramref name="value"/> written in decimal (a minus sign counts).</summary>
    private static int Digits(long value)
    {
        var n = value < 0 ? 2 : 1;
        for (var v = value / 10; v != 0; v /= 10)
        {
            n++;
        }

        return n;
    }

    private static readonly SearchValues<char> CodeCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static bool Same(TableDefinition table, int[] ordinals, object?[] a, object?[] b, int skip)
    {
        foreach (var o in ordinals)
        {
            if (o != skip && !ValueCodec.AreEqual(table.Columns[o].Type, a[o], b[o]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A row of <paramref name="table"/> over the stored one (or empty), with <paramref name="values"/> at the owned
    /// columns' ordinals, found once by name (looking each column up by name for every row was about half a percent of
    /// an import's perf samples).
    /// </summary>
    private static object?[] Fill(TableDefinition table, int[] ordinals, object?[]? stored, ReadOnlySpan<object?> values)
    {
        var row = stored is null ? new object?[table.Columns.Count] : (object?[])stored.Clone();
        for (var i = 0; i < values.Length; i++)
        {
            row[ordinals[i]] = values[i];
        }

        return row;
    }

    private static TableDefinition Resolve(TableCatalog catalog, string name, string key, (string Name, ColumnType Type)[] columns)
    {
        if (!catalog.TryGet(name, out var table))
        {
            throw new InvalidOperationException($"the table catalog has no '{name}' table");
        }

        if (table.Key != key)
        {
            throw new InvalidOperationException($"table '{name}' must be keyed by '{key}', not '{table.Key}'");
        }

        foreach (var (column, type) in columns)
        {
            if (!table.TryGetOrdinal(column, out var ordinal) || table.Columns[ordinal].Type != type)
            {
                throw new InvalidOperationException($"table '{name}' needs a {type} column '{column}'");
            }
        }

        return table;
    }
}
