using System.Text;
using System.Text.Json;
using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>
/// The JSON reader finds whole advisories in a reused buffer: what it reads must not depend on how the stream cuts
/// the bytes (network reads of a few bytes, a BOM, an advisory larger than the buffer), nor where an error is.
/// </summary>
[TestFixture]
public sealed class JsonAdvisoryReaderTests
{
    [Test]
    public async Task ReadAsync_StreamInRandomSmallPieces_ReadsTheSameAsWhole()
    {
        var bytes = File.ReadAllBytes(TestData.SampleAdvisoriesPath);
        var whole = await ReadAsync(new MemoryStream(bytes));
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        for (var i = 0; i < 20; i++)
        {
            var pieces = await ReadAsync(new TrickleStream(bytes, new Random(seed + i)));
            Assert.That(pieces, Is.EqualTo(whole), $"seed {seed + i}");
        }

        Assert.That(whole, Has.Count.GreaterThan(3));
    }

    [Test]
    public async Task ReadAsync_BomAndCommentsAndTrailingComma_AreAccepted()
    {
        var text = "\uFEFF/* bulletin */ [ " + Advisory("0190a1b2-0000-7000-8000-0000000000a1", "x") + ", // one\n" + Advisory("0190a1b2-0000-7000-8000-0000000000a2", "y") + ",\n] // end\n";
        var read = await ReadAsync(new TrickleStream(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text[1..])).ToArray(), new Random(1)));
        Assert.That(read.Select(r => r.Split('|')[1]), Is.EqualTo(new[] { "advisory_id=0190a1b2-0000-7000-8000-0000000000a1", "advisory_id=0190a1b2-0000-7000-8000-0000000000a2" }));
    }

    [Test]
    public async Task ReadAsync_AdvisoryLargerThanTheBuffer_IsReadWhole()
    {
        var big = new string('क', 1_500_000);
        var text = "[" + Advisory("0190a1b2-0000-7000-8000-0000000000b1", "small") + "," + Advisory("0190a1b2-0000-7000-8000-0000000000b2", big) + "," + Advisory("0190a1b2-0000-7000-8000-0000000000b3", "after") + "]";
        var reader = new JsonAdvisoryReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var read = new List<SourceAdvisory>();
        await foreach (var a in reader.ReadAsync(CancellationToken.None))
        {
            read.Add(a);
        }

        Assert.Multiple(() =>
        {
            Assert.That(reader.Aborted, Is.False);
            Assert.That(read.Select(a => a.Translations[0].Body.Value!.Length), Is.EqualTo(new[] { 5, 1_500_000, 5 }));
            Assert.That(read.Select(a => a.Record), Is.EqualTo(new[] { 1L, 2L, 3L }));
        });
    }

    // Titles and bodies without escapes are kept as the file's UTF-8 (no string made); escaped ones, and every other
    // field, are strings.
    [Test]
    public async Task ReadAsync_TitleAndBody_KeptAsUtf8UnlessEscaped()
    {
        const string text = """
            [{"advisory_id": "0190a1b2-0000-7000-8000-0000000000e1", "translations": {
              "hi-IN": {"title": "गेहूं में रतुआ", "body": "\u0927\u093e\u0928 \"quoted\"", "sms_text": "छिड़काव"}}}]
            """;
        var reader = new JsonAdvisoryReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var read = new List<SourceAdvisory>();
        await foreach (var a in reader.ReadAsync(CancellationToken.None))
        {
            read.Add(a);
        }

        var hindi = read.Single().Translations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(hindi.Title.Utf8?.ToString(), Is.EqualTo("गेहूं में रतुआ"));
            Assert.That(hindi.Title.Text, Is.Null);
            Assert.That(hindi.Body.Utf8, Is.Null);
            Assert.That(hindi.Body.Text, Is.EqualTo("धान \"quoted\""));
            Assert.That(hindi.SmsText.Utf8, Is.Null);
            Assert.That(hindi.SmsText.Text, Is.EqualTo("छिड़काव"));
        });
    }

    [Test]
    public async Task ReadAsync_SyntaxErrorAfterTwoAdvisories_StopsThereWithItsLine()
    {
        var text = "[\n" + Advisory("0190a1b2-0000-7000-8000-0000000000c1", "a") + ",\n" + Advisory("0190a1b2-0000-7000-8000-0000000000c2", "b") + ",\n{\"advisory_id\": }\n]";
        foreach (var stream in new Stream[] { new MemoryStream(Encoding.UTF8.GetBytes(text)), new TrickleStream(Encoding.UTF8.GetBytes(text), new Random(7)) })
        {
            var reader = new JsonAdvisoryReader(stream);
            var count = 0;
            await foreach (var _ in reader.ReadAsync(CancellationToken.None))
            {
                count++;
            }

            Assert.Multiple(() =>
            {
                Assert.That(count, Is.EqualTo(2));
                Assert.That(reader.Aborted, Is.True);
                Assert.That(reader.FileIssues.Select(i => (i.Record, i.Code)), Is.EqualTo(new[] { (3L, AdvisoryImportReasons.MalformedInput) }));
                Assert.That(reader.FileIssues[0].Message, Does.Contain("at line 4,").And.Contain("after 2 record(s)"));
            });
        }
    }

    [Test]
    public async Task ReadAsync_RepeatedAndWrongKindProperties_LastValueWinsAndKindsAreReportedWithTheirPaths()
    {
        // Escaped property names are the same properties; values of the wrong kind keep their raw JSON as text.
        const string text = """
            [{"category": "pest", "advisory_id": "0190a1b2-0000-7000-8000-0000000000d1", "targets": [5, {"scope_level": "district", "lgd_code": [481]}],
              "cat\u0065gory": "weed", "crop_codes": ["SOYBEAN", {"x": 1}], "translations": {"hi-IN": {"title": "t", "body": "b", "body": "b2"}, "en-IN": 7},
              "version": 2, "version": true}]
            """;
        var reader = new JsonAdvisoryReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var read = new List<SourceAdvisory>();
        await foreach (var a in reader.ReadAsync(CancellationToken.None))
        {
            read.Add(a);
        }

        var advisory = read.Single();
        Assert.Multiple(() =>
        {
            Assert.That(advisory.Category.Text, Is.EqualTo("weed"));
            Assert.That(advisory.Version.Text, Is.EqualTo("true"));
            Assert.That(advisory.Translations.Select(t => t.Body.Value), Is.EqualTo(new[] { "b2" }));
            Assert.That(advisory.Targets.Single().Code, Is.EqualTo(new SourceValue("[481]", "targets[1].lgd_code", null)));
            Assert.That(advisory.CropCodes.Select(c => c.Text), Is.EqualTo(new[] { "SOYBEAN", "{\"x\": 1}" }));
            Assert.That(advisory.PrimaryLang, Is.EqualTo(new SourceValue("hi-IN", "translations", null)));
            Assert.That(advisory.ReaderIssues.Select(i => (i.Field, i.AdvisoryId)), Is.EqualTo(new[]
            {
                ("targets[0]", "0190a1b2-0000-7000-8000-0000000000d1"),
                ("targets[1].lgd_code", "0190a1b2-0000-7000-8000-0000000000d1"),
                ("translations.en-IN", "0190a1b2-0000-7000-8000-0000000000d1"),
                ("crop_codes[1]", "0190a1b2-0000-7000-8000-0000000000d1"),
            }));
            Assert.That(advisory.ReaderIssues.Select(i => i.Code), Is.All.EqualTo(AdvisoryImportReasons.InvalidType));
            Assert.That(advisory.ReaderIssues[0].Message, Is.EqualTo("a target must be an object with scope_level and lgd_code, not a number"));
        });
    }

    [TestCase("null", 0, false)]
    [TestCase(" [ ] ", 0, false)]
    [TestCase("5", 0, true)]
    [TestCase("[] []", 0, true)]
    [TestCase("[{}] x", 1, true)]
    public async Task ReadAsync_RootNotOneArray_NullIsEmptyAnythingElseMalformed(string text, int records, bool aborted)
    {
        var reader = new JsonAdvisoryReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var count = 0;
        await foreach (var _ in reader.ReadAsync(CancellationToken.None))
        {
            count++;
        }

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(records));
            Assert.That(reader.Aborted, Is.EqualTo(aborted));
            Assert.That(reader.FileIssues.Select(i => i.Code), Is.EqualTo(aborted ? new[] { AdvisoryImportReasons.MalformedInput } : Array.Empty<string>()));
        });
    }

    private static string Advisory(string id, string body) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["advisory_id"] = id,
            ["version"] = 1,
            ["translations"] = new Dictionary<string, object> { ["hi-IN"] = new Dictionary<string, string> { ["title"] = "t", ["body"] = body } },
        });

    /// <summary>Every value the reader produced, as text, in order.</summary>
    private static async Task<List<string>> ReadAsync(Stream stream)
    {
        var reader = new JsonAdvisoryReader(stream);
        var list = new List<string>();
        await foreach (var a in reader.ReadAsync(CancellationToken.None))
        {
            var values = new List<SourceValue?> { a.AdvisoryId, a.Version, a.SourceType, a.IssuingOffice, a.IssuingOfficeDistrict, a.BulletinRef, a.Category, a.Severity, a.ImdColour, a.Season, a.PestDiseaseCode, a.IssuedAt, a.ValidFrom, a.ValidTo, a.Status, a.PrimaryLang };
            values.AddRange(a.CropCodes.Select(v => (SourceValue?)v));
            values.AddRange(a.StageCodes.Select(v => (SourceValue?)v));
            values.AddRange(a.Targets.SelectMany(t => new[] { t.Level, t.Code, t.District }));
            values.AddRange(a.Translations.SelectMany(t => new SourceValue?[] { t.Lang, t.Title, t.Body, t.SmsText }));
            list.Add(string.Join('|', new[] { a.Record.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                .Concat(values.Select(v => v is { } x ? x.Field + "=" + x.Text : "-"))
                .Append(a.RecommendedInputs ?? "-")
                .Concat(a.ReaderIssues.Select(i => i.Code + ":" + i.Field))));
        }

        Assert.That(reader.Aborted, Is.False);
        return list;
    }

    /// <summary>A stream that hands out 1 to 9 bytes per read, as a slow network might.</summary>
    private sealed class TrickleStream(byte[] data, Random random) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, random.Next(1, 10)), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
