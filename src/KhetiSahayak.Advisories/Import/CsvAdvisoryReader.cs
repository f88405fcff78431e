using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Streams a CSV of advisories, one row per advisory and language. Adjacent rows with the same advisory_id and
/// version form one advisory; their advisory-level columns must agree. Only one advisory's rows are held at a time.
/// </summary>
internal sealed class CsvAdvisoryReader(Stream stream, int maxFieldLength) : IAdvisorySourceReader
{
    /// <summary>Columns that must be in the header (values may be empty where the field is optional).</summary>
    public static readonly IReadOnlyList<string> RequiredColumns =
    [
        "advisory_id", "version", "source_type", "issuing_office", "category", "severity", "season", "crop_codes", "stage_codes",
        "district_codes", "block_codes", "valid_from", "valid_to", "status", "primary_lang", "lang", "title", "body", "sms_text",
    ];

    /// <summary>Columns that may be in the header.</summary>
    public static readonly IReadOnlyList<string> OptionalColumns = ["state_codes", "issued_at", "bulletin_ref", "imd_colour", "pest_disease_code"];

    /// <summary>Per-language columns; every other known column belongs to the advisory and repeats on each of its rows.</summary>
    private static readonly string[] TranslationColumns = ["lang", "title", "body", "sms_text"];

    /// <summary>More rows than languages means duplicates; rows past this are not kept, so one bad group cannot grow without bound.</summary>
    private const int MaxRowsPerAdvisory = 32;

    public List<AdvisoryImportIssue> FileIssues { get; } = [];

    public bool Aborted { get; private set; }

    public async IAsyncEnumerable<SourceAdvisory> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = null,
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            MaxFieldSize = maxFieldLength,
        };
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var csv = new CsvReader(text, config);

        Dictionary<string, int>? columns;
        try
        {
            columns = await ReadHeaderAsync(csv);
        }
        catch (CsvHelperException ex)
        {
            Abort(0, 1, ex);
            yield break;
        }

        if (columns is null)
        {
            Aborted = true;
            yield break;
        }

        var advisoryColumns = columns.Keys.Where(c => !TranslationColumns.Contains(c)).ToArray();
        long record = 0;
        List<Row>? group = null;
        var overflow = false;
        while (true)
        {
            Row? row;
            CsvHelperException? failure = null;
            try
            {
                row = await csv.ReadAsync() ? Row.From(csv, columns) : null;
            }
            catch (CsvHelperException ex)
            {
                // The advisory read so far is complete (its rows ended before the broken one): it still goes through.
                failure = ex;
                row = null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (row is { IsEmpty: true })
            {
                // Spreadsheets export trailing rows of bare separators.
                continue;
            }

            if (group is not null && (row is null || !row.SameAdvisory(group[0])))
            {
                record++;
                yield return Build(group, advisoryColumns, record, overflow);
                group = null;
                overflow = false;
            }

            if (failure is not null)
            {
                Abort(record + 1, csv.Parser.Row, failure);
                yield break;
            }

            if (row is null)
            {
                yield break;
            }

            group ??= [];
            if (group.Count < MaxRowsPerAdvisory)
            {
                group.Add(row);
            }
            else
            {
                overflow = true;
            }
        }
    }

    private async Task<Dictionary<string, int>?> ReadHeaderAsync(CsvReader csv)
    {
        if (!await csv.ReadAsync())
        {
            FileIssues.Add(new AdvisoryImportIssue(0, 1, null, "$", AdvisoryImportReasons.MissingColumn, "the file is empty: expected a header row"));
            return null;
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (name.Length == 0)
            {
                continue;
            }

            if (!RequiredColumns.Contains(name) && !OptionalColumns.Contains(name))
            {
                FileIssues.Add(new AdvisoryImportIssue(0, 1, null, header[i], AdvisoryImportReasons.UnknownColumn, $"column '{header[i]}' is not one this import reads; its values are ignored", AdvisoryImportIssueSeverity.Warning));
                continue;
            }

            if (!columns.TryAdd(name, i))
            {
                FileIssues.Add(new AdvisoryImportIssue(0, 1, null, name, AdvisoryImportReasons.MalformedInput, $"column '{name}' appears twice in the header"));
                return null;
            }
        }

        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToArray();
        foreach (var name in missing)
        {
            FileIssues.Add(new AdvisoryImportIssue(0, 1, null, name, AdvisoryImportReasons.MissingColumn, $"required column '{name}' is not in the header"));
        }

        return missing.Length == 0 ? columns : null;
    }

    private void Abort(long record, long row, CsvHelperException ex)
    {
        var reason = ex is MaxFieldSizeException ? $"a field is longer than {maxFieldLength} characters (an unclosed quote?)" : "the CSV cannot be parsed";
        FileIssues.Add(new AdvisoryImportIssue(record, row, null, "$", AdvisoryImportReasons.MalformedInput, $"{reason} at row {row}; reading stopped after {record - 1} record(s)"));
        Aborted = true;
    }

    private static SourceAdvisory Build(List<Row> rows, string[] advisoryColumns, long record, bool overflow)
    {
        var first = rows[0];
        var id = first.Get("advisory_id");
        var advisory = new SourceAdvisory
        {
            Record = record,
            Row = first.Number,
            AdvisoryId = first.Value("advisory_id"),
            Version = first.Value("version"),
            SourceType = first.Value("source_type"),
            IssuingOffice = first.Value("issuing_office"),
            BulletinRef = first.Value("bulletin_ref"),
            Category = first.Value("category"),
            Severity = first.Value("severity"),
            ImdColour = first.Value("imd_colour"),
            Season = first.Value("season"),
            PestDiseaseCode = first.Value("pest_disease_code"),
            CropCodesField = first.Value("crop_codes"),
            CropCodes = first.List("crop_codes"),
            StageCodes = first.List("stage_codes"),
            TargetsField = first.Value("district_codes"),
            Targets =
            [
                .. first.List("state_codes").Select(v => new SourceTarget(new SourceValue("state", v.Field, v.Row), v, null)),
                .. first.List("district_codes").Select(v => new SourceTarget(new SourceValue("district", v.Field, v.Row), v, null)),
                .. first.List("block_codes").Select(v => new SourceTarget(new SourceValue("block", v.Field, v.Row), v, null)),
            ],
            IssuedAt = first.Value("issued_at"),
            ValidFrom = first.Value("valid_from"),
            ValidTo = first.Value("valid_to"),
            Status = first.Value("status"),
            PrimaryLang = first.Value("primary_lang"),
            Translations = rows.Select(r => new SourceTranslation(r.Value("lang"), r.Value("title"), r.Value("body"), r.Value("sms_text"))).ToArray(),
        };

        foreach (var row in rows.Skip(1))
        {
            foreach (var column in advisoryColumns)
            {
                var comparison = column == "advisory_id" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                if (!string.Equals(row.Get(column), first.Get(column), comparison))
                {
                    advisory.ReaderIssues.Add(new AdvisoryImportIssue(record, row.Number, id, column, AdvisoryImportReasons.InconsistentValue,
                        $"{column} is '{row.Get(column)}' here but '{first.Get(column)}' on row {first.Number}: rows of one advisory must agree on every advisory column"));
                }
            }
        }

        if (overflow)
        {
            advisory.ReaderIssues.Add(new AdvisoryImportIssue(record, first.Number, id, "lang", AdvisoryImportReasons.TooManyRows,
                $"more than {MaxRowsPerAdvisory} rows for advisory {id} version {first.Get("version")}: an advisory has one row per language"));
        }

        return advisory;
    }

    /// <summary>One CSV row: its spreadsheet row number and the trimmed values of the known columns (empty = null).</summary>
    private sealed class Row
    {
        private readonly Dictionary<string, string?> _values;

        private Row(long number, Dictionary<string, string?> values)
        {
            Number = number;
            _values = values;
        }

        public long Number { get; }

        public bool IsEmpty => _values.Values.All(v => v is null);

        public static Row From(CsvReader csv, Dictionary<string, int> columns)
        {
            var values = new Dictionary<string, string?>(columns.Count, StringComparer.Ordinal);
            foreach (var (name, index) in columns)
            {
                var value = index < csv.Parser.Count ? csv.Parser[index]?.Trim() : null;
                values[name] = string.IsNullOrEmpty(value) ? null : value;
            }

            return new Row(csv.Parser.Row, values);
        }

        public string? Get(string column) => _values.GetValueOrDefault(column);

        public SourceValue Value(string column) => new(Get(column), column, Number);

        /// <summary>A list cell: codes separated by ';' (',' is accepted too); empty parts are skipped.</summary>
        public SourceValue[] List(string column) =>
            Get(column) is { } cell
                ? cell.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => new SourceValue(v, column, Number)).ToArray()
                : [];

        /// <summary>Rows belong to one advisory when advisory_id and version match (and are present).</summary>
        public bool SameAdvisory(Row other) =>
            Get("advisory_id") is { } id && Get("version") is { } version &&
            string.Equals(id, other.Get("advisory_id"), StringComparison.OrdinalIgnoreCase) &&
            string.Equals(version, other.Get("version"), StringComparison.Ordinal);
    }
}
