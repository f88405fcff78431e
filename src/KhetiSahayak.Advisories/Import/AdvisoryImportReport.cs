using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KhetiSahayak.Advisories.Import;

/// <summary>Renders an import summary: as text for an officer, as JSON (snake_case) for programs.</summary>
public static class AdvisoryImportReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The machine-readable report: the summary with every issue (record, row, advisory_id, field, code, message, severity).</summary>
    public static Task WriteJsonAsync(AdvisoryImportSummary summary, Stream output, CancellationToken cancellationToken) =>
        JsonSerializer.SerializeAsync(output, summary, JsonOptions, cancellationToken);

    public static string ToJson(AdvisoryImportSummary summary) => JsonSerializer.Serialize(summary, JsonOptions);

    /// <summary>A readable report: one summary line, then one line per issue in input order.</summary>
    public static void WriteText(AdvisoryImportSummary summary, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(writer);
        var ci = CultureInfo.InvariantCulture;
        var verb = summary.DryRun ? "would import" : "imported";
        writer.WriteLine(string.Create(ci,
            $"{summary.Read} record(s) read: {verb} {summary.Changed} ({summary.Inserted} new, {summary.Updated} updated), {summary.Unchanged} unchanged, {summary.Rejected} rejected; {summary.Errors} error(s), {summary.Warnings} warning(s)."));
        if (summary.Aborted)
        {
            writer.WriteLine("Reading stopped early: the input could not be read further (see below). Records before that point were processed.");
        }

        foreach (var issue in summary.Issues)
        {
            var where = issue.Record == 0 ? "file" : string.Create(ci, $"record {issue.Record}");
            if (issue.Row is { } row)
            {
                where += string.Create(ci, $", row {row}");
            }

            if (issue.AdvisoryId is { } id)
            {
                where += ", advisory " + id;
            }

            var severity = issue.Severity == AdvisoryImportIssueSeverity.Warning ? " (warning)" : string.Empty;
            writer.WriteLine($"{where}: {issue.Field}: {issue.Code}{severity}: {issue.Message}");
        }

        if (summary.IssuesTruncated)
        {
            writer.WriteLine(string.Create(ci, $"… only the first {summary.Issues.Count} issues are listed."));
        }
    }

    public static string ToText(AdvisoryImportSummary summary)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteText(summary, writer);
        return writer.ToString();
    }
}
