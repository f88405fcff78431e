using System.Text.Json;
using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

[TestFixture]
public sealed class AdvisoryImportReportTests
{
    private static readonly AdvisoryImportSummary Summary = new()
    {
        Format = AdvisoryInputFormat.Csv,
        Read = 3,
        Inserted = 1,
        Updated = 1,
        Rejected = 1,
        Errors = 1,
        Warnings = 1,
        Issues =
        [
            new(0, 1, null, "notes", AdvisoryImportReasons.UnknownColumn, "column 'notes' is not one this import reads; its values are ignored", AdvisoryImportIssueSeverity.Warning),
            new(2, 4, "0190c000-0000-7000-8000-000000000002", "sms_text", AdvisoryImportReasons.SmsTooLong, "sms_text is 202 UCS-2 characters"),
        ],
    };

    [Test]
    public void ToText_Summary_OneLineOfCountsThenOneLinePerIssue()
    {
        var lines = AdvisoryImportReport.ToText(Summary).TrimEnd().Split('\n');

        Assert.That(lines, Is.EqualTo(new[]
        {
            "3 record(s) read: imported 2 (1 new, 1 updated), 0 unchanged, 1 rejected; 1 error(s), 1 warning(s).",
            "file, row 1: notes: unknown_column (warning): column 'notes' is not one this import reads; its values are ignored",
            "record 2, row 4, advisory 0190c000-0000-7000-8000-000000000002: sms_text: sms_too_long: sms_text is 202 UCS-2 characters",
        }).Using<string>((a, b) => string.CompareOrdinal(a.TrimEnd('\r'), b)));
    }

    [Test]
    public void ToJson_Summary_SnakeCaseWithEveryIssueField()
    {
        using var json = JsonDocument.Parse(AdvisoryImportReport.ToJson(Summary));
        var root = json.RootElement;
        var issue = root.GetProperty("issues")[1];

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("format").GetString(), Is.EqualTo("csv"));
            Assert.That(root.GetProperty("changed").GetInt64(), Is.EqualTo(2));
            Assert.That(issue.GetProperty("record").GetInt64(), Is.EqualTo(2));
            Assert.That(issue.GetProperty("row").GetInt64(), Is.EqualTo(4));
            Assert.That(issue.GetProperty("advisory_id").GetString(), Is.EqualTo("0190c000-0000-7000-8000-000000000002"));
            Assert.That(issue.GetProperty("field").GetString(), Is.EqualTo("sms_text"));
            Assert.That(issue.GetProperty("code").GetString(), Is.EqualTo("sms_too_long"));
            Assert.That(issue.GetProperty("severity").GetString(), Is.EqualTo("error"));
        });
    }
}
