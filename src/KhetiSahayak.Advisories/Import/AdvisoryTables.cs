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
    public object?[] AdvisoryRow(ValidAdvisory a, string status, object?[]? stored)
    {
        var row = Start(Advisory, stored);
        Set(Advisory, row, "advisory_id", a.AdvisoryId);
        Set(Advisory, row, "version", a.Version);
        Set(Advisory, row, "source_type", a.SourceType);
        Set(Advisory, row, "issuing_office", a.IssuingOffice);
        Set(Advisory, row, "bulletin_ref", a.BulletinRef);
        Set(Advisory, row, "category", a.Category);
        Set(Advisory, row, "severity", a.Severity);
        Set(Advisory, row, "imd_colour", a.ImdColour);
        Set(Advisory, row, "season", a.Season);
        Set(Advisory, row, "crop_codes", a.CropCodesJson);
        Set(Advisory, row, "stage_codes", a.StageCodesJson);
        Set(Advisory, row, "pest_disease_code", a.PestDiseaseCode);
        Set(Advisory, row, "district_codes", a.DistrictCodesJson);
        Set(Advisory, row, "block_codes", a.BlockCodesJson);
        Set(Advisory, row, "recommended_inputs", a.RecommendedInputs);
        Set(Advisory, row, "issued_at", a.IssuedAt);
        Set(Advisory, row, "valid_from", a.ValidFrom);
        Set(Advisory, row, "valid_to", a.ValidTo);
        Set(Advisory, row, "status", status);
        Set(Advisory, row, "primary_lang", a.PrimaryLang);
        return row;
    }

    /// <summary>A translation row: its own texts plus copies of the advisory's filter columns and status.</summary>
    /// <param name="translationId">The translation's id: the stored row's, or <see cref="TranslationIds.For"/> for a new one.</param>
    public object?[] TranslationRow(ValidAdvisory a, ValidTranslation t, Guid translationId, string status, object?[]? stored)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(t);
        var row = Start(Translation, stored);
        Set(Translation, row, "translation_id", translationId);
        Set(Translation, row, "advisory_id", a.AdvisoryId);
        Set(Translation, row, "lang", t.Lang);
        Set(Translation, row, "title", t.Title);
        Set(Translation, row, "body", t.Body);
        Set(Translation, row, "sms_text", t.SmsText);
        Set(Translation, row, "district_codes", a.DistrictCodesJson);
        Set(Translation, row, "block_codes", a.BlockCodesJson);
        Set(Translation, row, "crop_codes", a.CropCodesJson);
        Set(Translation, row, "status", status);
        return row;
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

    private static object?[] Start(TableDefinition table, object?[]? stored) =>
        stored is null ? new object?[table.Columns.Count] : (object?[])stored.Clone();

    private static void Set(TableDefinition table, object?[] row, string column, object? value) => row[table.Ordinal(column)] = value;

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
