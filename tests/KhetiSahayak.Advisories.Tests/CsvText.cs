using System.Text;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>Builds advisory CSV text from rows of column values over sensible defaults (a valid Latur soybean advisory).</summary>
internal sealed class CsvText
{
    public static readonly string[] Columns =
    [
        "advisory_id", "version", "source_type", "issuing_office", "category", "severity", "season", "crop_codes", "stage_codes",
        "district_codes", "block_codes", "valid_from", "valid_to", "status", "primary_lang", "lang", "title", "body", "sms_text",
    ];

    private readonly List<string[]> _rows = [];
    private string[] _columns = Columns;

    public static Dictionary<string, string> Defaults(Guid advisoryId, string lang) => new()
    {
        ["advisory_id"] = advisoryId.ToString(),
        ["version"] = "1",
        ["source_type"] = "KVK",
        ["issuing_office"] = "KVK Latur",
        ["category"] = "pest",
        ["severity"] = "advisory",
        ["season"] = "kharif",
        ["crop_codes"] = "SOYBEAN",
        ["stage_codes"] = "FLOWERING;POD_FORMATION",
        ["district_codes"] = "481",
        ["block_codes"] = string.Empty,
        ["valid_from"] = "2025-07-20",
        ["valid_to"] = "2025-08-05",
        ["status"] = "published",
        ["primary_lang"] = "mr-IN",
        ["lang"] = lang,
        ["title"] = lang == "mr-IN" ? "सोयाबीन: खोडमाशी" : "Soybean: stem fly",
        ["body"] = lang == "mr-IN" ? "सोयाबीनवर खोडमाशीचा प्रादुर्भाव दिसल्यास शिफारशीत कीटकनाशकाची फवारणी करावी." : "If stem fly appears on soybean, spray a recommended insecticide.",
        ["sms_text"] = lang == "mr-IN" ? "सोयाबीन खोडमाशी: फवारणी करा. -KVK लातूर" : "Soybean stem fly: spray now. -KVK Latur",
    };

    /// <summary>One default advisory (Marathi and English rows) per id, in order.</summary>
    public static CsvText Of(IEnumerable<Guid> advisoryIds)
    {
        var csv = new CsvText();
        foreach (var id in advisoryIds)
        {
            csv.Advisory(id);
        }

        return csv;
    }

    /// <summary>Uses a different header (columns added, removed or renamed).</summary>
    public CsvText WithColumns(params string[] columns)
    {
        _columns = columns;
        return this;
    }

    /// <summary>Adds one row: the defaults for the advisory and language, with <paramref name="changes"/> applied.</summary>
    public CsvText Row(Guid advisoryId, string lang, params (string Column, string Value)[] changes)
    {
        var values = Defaults(advisoryId, lang);
        foreach (var (column, value) in changes)
        {
            values[column] = value;
        }

        _rows.Add(_columns.Select(c => values.GetValueOrDefault(c, string.Empty)).ToArray());
        return this;
    }

    /// <summary>The two rows (mr-IN, en-IN) of one advisory, with the same changes on both.</summary>
    public CsvText Advisory(Guid advisoryId, params (string Column, string Value)[] changes) =>
        Row(advisoryId, "mr-IN", changes).Row(advisoryId, "en-IN", changes);

    public CsvText Raw(string line)
    {
        _rows.Add([line]);
        return this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', _columns.Select(Quote)).Append('\n');
        foreach (var row in _rows)
        {
            if (row.Length == 1 && _columns.Length > 1)
            {
                sb.Append(row[0]).Append('\n');
                continue;
            }

            sb.AppendJoin(',', row.Select(Quote)).Append('\n');
        }

        return sb.ToString();
    }

    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
