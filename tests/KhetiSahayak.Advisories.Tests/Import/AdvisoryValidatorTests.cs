using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Stores;
using NUnit.Framework;
using static KhetiSahayak.Advisories.Import.AdvisoryImportReasons;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>
/// Every reason code, through the whole import (reader, validator, report): each test asserts the record, row,
/// field and code an officer would see. The store is SQLite; what is validated does not depend on it.
/// </summary>
[TestFixture]
public sealed class AdvisoryValidatorTests : AdvisoryStoreTestBase
{
    private static readonly Guid First = new("0190c000-0000-7000-8000-000000000001");
    private static readonly Guid Second = new("0190c000-0000-7000-8000-000000000002");

    protected override bool WatermarkMovesOnlyWithWrites => true;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => Task.FromResult(TestStores.Sqlite());

    public static IEnumerable<TestCaseData> CsvCases()
    {
        // (change to record 2, which of its rows it goes on: 0 both, 4 or 5 one) → expected (row, field, code)
        static TestCaseData Case(string column, string value, int onRow, long row, string field, string code) =>
            new TestCaseData(column, value, onRow, row, field, code).SetArgDisplayNames(code, column, value.Length > 20 ? value[..20] + "…" : value);

        yield return Case("advisory_id", "0190c000-not-a-uuid", 0, 4, "advisory_id", InvalidUuid);
        yield return Case("advisory_id", "00000000-0000-0000-0000-000000000000", 0, 4, "advisory_id", InvalidUuid);
        yield return Case("version", "1.5", 0, 4, "version", InvalidNumber);
        yield return Case("version", "0", 0, 4, "version", InvalidNumber);
        yield return Case("valid_from", "15/07/2025", 0, 4, "valid_from", InvalidDate);
        yield return Case("valid_from", string.Empty, 0, 4, "valid_from", MissingField);
        yield return Case("valid_to", "2025-07-19", 0, 4, "valid_to", InvalidWindow);
        yield return Case("category", "rumour", 0, 4, "category", InvalidEnum);
        yield return Case("severity", "severe", 0, 4, "severity", InvalidEnum);
        yield return Case("status", "live", 0, 4, "status", InvalidEnum);
        yield return Case("status", "expired", 0, 4, "status", InvalidEnum);
        yield return Case("source_type", "BLOG", 0, 4, "source_type", InvalidEnum);
        yield return Case("season", "monsoon", 0, 4, "season", InvalidEnum);
        yield return Case("primary_lang", "xx-IN", 0, 4, "primary_lang", InvalidEnum);
        yield return Case("lang", "xx-IN", 5, 5, "lang", InvalidEnum);
        yield return Case("district_codes", "99999", 0, 4, "district_codes", UnknownLgdCode);
        yield return Case("district_codes", "48l", 0, 4, "district_codes", InvalidNumber);
        yield return Case("block_codes", "6498", 0, 4, "block_codes", BlockOutsideDistrict);
        yield return Case("crop_codes", "SOYBEAN;BANANA", 0, 4, "crop_codes", UnknownCrop);
        yield return Case("crop_codes", string.Empty, 0, 4, "crop_codes", MissingField);
        yield return Case("stage_codes", "FLOWERING;WHORL", 0, 4, "stage_codes", UnknownStage);
        yield return Case("primary_lang", "hi-IN", 0, 4, "primary_lang", MissingPrimaryTranslation);
        yield return Case("primary_lang", string.Empty, 0, 4, "primary_lang", MissingField);
        yield return Case("sms_text", new string('क', 202), 4, 4, "sms_text", SmsTooLong);
        yield return Case("sms_text", new string('a', 460), 5, 5, "sms_text", SmsTooLong);
        yield return Case("title", string.Empty, 5, 5, "title", MissingField);
        yield return Case("body", string.Empty, 4, 4, "body", MissingField);
        yield return Case("title", new string('t', 201), 4, 4, "title", TextTooLong);
        yield return Case("lang", "mr-IN", 5, 5, "lang", DuplicateTranslation);
        yield return Case("lang", string.Empty, 5, 5, "lang", MissingField);
        yield return Case("category", "disease", 5, 5, "category", InconsistentValue);
    }

    public static IEnumerable<TestCaseData> JsonCases()
    {
        // (change to sample record 3) → expected (field, code)
        static TestCaseData Case(string name, Action<JsonNode> change, string field, string code) =>
            new TestCaseData(change, field, code).SetArgDisplayNames(code, name);

        yield return Case("numeric id", a => a["advisory_id"] = 12, "advisory_id", InvalidUuid);
        yield return Case("no id", a => a.AsObject().Remove("advisory_id"), "advisory_id", MissingField);
        yield return Case("version text", a => a["version"] = "two", "version", InvalidNumber);
        yield return Case("unknown district", a => a["targets"]![0]!["lgd_code"] = 99999, "targets[0].lgd_code", UnknownLgdCode);
        yield return Case("unknown level", a => a["targets"]![0]!["scope_level"] = "village", "targets[0].scope_level", InvalidEnum);
        yield return Case("no targets", a => a["targets"] = new JsonArray(), "targets", MissingField);
        yield return Case("block elsewhere", a => a["targets"]!.AsArray().Add(new JsonObject { ["scope_level"] = "block", ["lgd_code"] = 4436 }), "targets[1].lgd_code", BlockOutsideDistrict);
        yield return Case("block in other district", a => a["targets"] = new JsonArray(new JsonObject { ["scope_level"] = "block", ["lgd_code"] = 4436, ["lgd_district_code"] = 482 }), "targets[0].lgd_code", BlockOutsideDistrict);
        yield return Case("office district", a => a["issuing_office"]!["lgd_district_code"] = 99999, "issuing_office.lgd_district_code", UnknownLgdCode);
        yield return Case("crop as text", a => a["crop_codes"] = "PADDY", "crop_codes", InvalidType);
        yield return Case("unknown crop", a => a["crop_codes"]![0] = "DRAGONFRUIT", "crop_codes[0]", UnknownCrop);
        yield return Case("wrong stage", a => a["stage_codes"]![1] = "BOLL_OPENING", "stage_codes[1]", UnknownStage);
        yield return Case("bad date", a => a["valid_from"] = "next Monday", "valid_from", InvalidDate);
        yield return Case("window", a => a["valid_to"] = "2025-07-11T23:59:59+05:30", "valid_to", InvalidWindow);
        yield return Case("bad colour", a => a["imd_colour"] = "purple", "imd_colour", InvalidEnum);
        yield return Case("bad category", a => a["category"] = "gossip", "category", InvalidEnum);
        yield return Case("explicit primary", a => a["primary_lang"] = "mr-IN", "primary_lang", MissingPrimaryTranslation);
        yield return Case("no translations", a => a.AsObject().Remove("translations"), "translations", MissingField);
        yield return Case("unknown language", a => a["translations"]!["xx-IN"] = new JsonObject { ["title"] = "t", ["body"] = "b" }, "translations.xx-IN", InvalidEnum);
        yield return Case("no body", a => a["translations"]!["hi-IN"]!.AsObject().Remove("body"), "translations.hi-IN.body", MissingField);
        yield return Case("title object", a => a["translations"]!["en-IN"]!["title"] = new JsonObject(), "translations.en-IN.title", InvalidType);
        yield return Case("long sms", a => a["translations"]!["hi-IN"]!["sms_text"] = new string('ब', 202), "translations.hi-IN.sms_text", SmsTooLong);
        yield return Case("long body", a => a["translations"]!["en-IN"]!["body"] = new string('b', 10_001), "translations.en-IN.body", TextTooLong);
    }

    [TestCaseSource(nameof(CsvCases))]
    public async Task ImportAsync_CsvRecordWithProblem_RejectsItWithRecordRowFieldAndCode(string column, string value, int onRow, long row, string field, string code)
    {
        var csv = new CsvText().Advisory(First);
        csv.Row(Second, "mr-IN", onRow is 0 or 4 ? [(column, value)] : []);
        csv.Row(Second, "en-IN", onRow is 0 or 5 ? [(column, value)] : []);

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Read, Is.EqualTo(2));
            Assert.That(summary.Inserted, Is.EqualTo(1));
            Assert.That(summary.Rejected, Is.EqualTo(1));
        });
        Assert.That(summary.Issues.Select(i => (i.Record, i.Row, i.Field, i.Code)), Does.Contain((2L, (long?)row, field, code)), AdvisoryImportReport.ToText(summary));
        Assert.That(summary.Issues.Where(i => i.Severity == AdvisoryImportIssueSeverity.Error).Select(i => i.Record), Is.All.EqualTo(2L));
        Assert.That((await AdvisoriesAsync()).Select(r => Value("advisory", r, "advisory_id")), Is.EqualTo(new object[] { First }));
    }

    [TestCaseSource(nameof(JsonCases))]
    public async Task ImportAsync_JsonRecordWithProblem_RejectsItWithRecordFieldAndCode(Action<JsonNode> change, string field, string code)
    {
        var sample = TestData.SampleNodes();
        change(sample[2]!);

        var summary = await ImportAsync(sample.ToJsonString(), AdvisoryInputFormat.Json);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(4));
            Assert.That(summary.Rejected, Is.EqualTo(1));
        });
        var issue = summary.Issues.FirstOrDefault(i => i.Code == code);
        Assert.That(issue, Is.Not.Null, AdvisoryImportReport.ToText(summary));
        Assert.Multiple(() =>
        {
            Assert.That(issue!.Record, Is.EqualTo(3));
            Assert.That(issue.Row, Is.Null);
            Assert.That(issue.Field, Is.EqualTo(field));
        });
        Assert.That((await AdvisoriesAsync()).Select(r => Value("advisory", r, "advisory_id")), Does.Not.Contain(TestData.SampleId(3)));
    }

    [Test]
    public async Task ImportAsync_SampleAdvisoryTwoWithKannadaAsPrimary_RejectedForMissingPrimaryTranslation()
    {
        // Advisory 2 targets Karnataka districts and declares "kn-IN": null. On its own that is a warning (imported in
        // English and Hindi); naming Kannada its primary language makes it an error.
        var sample = TestData.SampleNodes();
        sample[1]!["primary_lang"] = "kn-IN";

        var summary = await ImportAsync(sample.ToJsonString(), AdvisoryInputFormat.Json);

        Assert.That(summary.Issues.Select(i => (i.Record, i.Field, i.Code, i.Severity)), Is.EquivalentTo(new[]
        {
            (2L, "primary_lang", MissingPrimaryTranslation, AdvisoryImportIssueSeverity.Error),
            (2L, "translations.kn-IN", MissingTranslation, AdvisoryImportIssueSeverity.Warning),
        }));
    }

    [Test]
    public async Task ImportAsync_RecordWithSeveralProblems_ReportsEveryOne()
    {
        var csv = new CsvText().Advisory(First, ("category", "rumour"), ("crop_codes", "BANANA"), ("valid_to", "2025-01-01"), ("district_codes", "99999"));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Issues.Select(i => i.Code), Is.EquivalentTo(new[] { InvalidEnum, UnknownCrop, InvalidWindow, UnknownLgdCode }));
        Assert.That(summary.Rejected, Is.EqualTo(1));
    }

    [Test]
    public async Task ImportAsync_CsvHeaderWithoutARequiredColumn_ReadsNothing()
    {
        var csv = new CsvText().WithColumns(CsvText.Columns.Where(c => c != "severity").ToArray()).Advisory(First);

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Aborted, Is.True);
            Assert.That(summary.Read, Is.Zero);
        });
        Assert.That(summary.Issues.Select(i => (i.Record, i.Row, i.Field, i.Code)), Is.EqualTo(new[] { (0L, (long?)1L, "severity", MissingColumn) }));
    }

    [Test]
    public async Task ImportAsync_CsvWithAnUnknownColumn_WarnsAndImports()
    {
        var csv = new CsvText().WithColumns([.. CsvText.Columns, " Notes "]).Advisory(First);

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Inserted, Is.EqualTo(1));
        Assert.That(summary.Issues.Select(i => (i.Record, i.Row, i.Field, i.Code, i.Severity)),
            Is.EqualTo(new[] { (0L, (long?)1L, "Notes", UnknownColumn, AdvisoryImportIssueSeverity.Warning) }));
    }

    [Test]
    public async Task ImportAsync_CsvWithAnUnclosedQuote_StopsThereAndKeepsTheRecordsBefore()
    {
        var csv = new CsvText().Advisory(First).Raw(Second + ",1,KVK,\"KVK Latur,pest");
        for (var i = 0; i < 200; i++)
        {
            csv.Raw(string.Join(',', Enumerable.Repeat("filler text that never closes the quote", 10)));
        }

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv, new AdvisoryImportOptions { MaxFieldLength = 4096 });

        Assert.Multiple(() =>
        {
            Assert.That(summary.Aborted, Is.True);
            Assert.That(summary.Inserted, Is.EqualTo(1));
        });
        var issue = summary.Issues.Single();
        Assert.Multiple(() =>
        {
            Assert.That(issue.Code, Is.EqualTo(MalformedInput));
            Assert.That(issue.Record, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ImportAsync_CsvWithMoreRowsThanLanguages_RejectsTheAdvisory()
    {
        var csv = new CsvText();
        for (var i = 0; i < 40; i++)
        {
            csv.Row(First, "mr-IN");
        }

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Rejected, Is.EqualTo(1));
        Assert.That(summary.Issues.Select(i => (i.Record, i.Row, i.Field, i.Code)), Does.Contain((1L, (long?)2L, "lang", TooManyRows)));
    }

    [Test]
    public async Task ImportAsync_TruncatedJson_StopsThereAndKeepsTheRecordsBefore()
    {
        var text = File.ReadAllText(TestData.SampleAdvisoriesPath);
        var cut = text.IndexOf("0190a1b2-0000-7000-8000-000000000004", StringComparison.Ordinal);

        var summary = await ImportAsync(text[..cut], AdvisoryInputFormat.Json);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Aborted, Is.True);
            Assert.That(summary.Read, Is.EqualTo(3));
            Assert.That(summary.Inserted, Is.EqualTo(3));
        });
        Assert.That(summary.Issues.Where(i => i.Severity == AdvisoryImportIssueSeverity.Error).Select(i => (i.Record, i.Field, i.Code)),
            Is.EqualTo(new[] { (4L, "$", MalformedInput) }));
    }

    [TestCase("{\"advisory_id\": 1}", TestName = "ImportAsync_JsonObjectInsteadOfArray_ReportsMalformedInput")]
    [TestCase("", TestName = "ImportAsync_EmptyJson_ReportsMalformedInput")]
    public async Task ImportAsync_JsonNotAnArray_ReportsMalformedInput(string text)
    {
        var summary = await ImportAsync(text, AdvisoryInputFormat.Json);

        Assert.That(summary.Read, Is.Zero);
        Assert.That(summary.Issues.Select(i => (i.Record, i.Code)), Is.EqualTo(new[] { (1L, MalformedInput) }));
    }

    [Test]
    public async Task ImportAsync_JsonArrayElementNotAnObject_RejectsThatRecordOnly()
    {
        var sample = TestData.SampleNodes();
        sample.Insert(1, 42);

        var summary = await ImportAsync(sample.ToJsonString(), AdvisoryInputFormat.Json);

        Assert.That(summary.Inserted, Is.EqualTo(5));
        Assert.That(summary.Issues.Select(i => (i.Record, i.Field, i.Code)), Does.Contain((2L, "$", InvalidType)));
    }

    [Test]
    public async Task ImportAsync_AliasesAndCaseVariants_StoredInCanonicalForm()
    {
        var csv = new CsvText().Advisory(First, ("crop_codes", "rice;Tur"), ("stage_codes", "flowering"), ("category", "PEST"), ("source_type", "kvk"));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Inserted, Is.EqualTo(1), AdvisoryImportReport.ToText(summary));
        var row = (await AdvisoriesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(Value("advisory", row, "crop_codes"), Is.EqualTo("[\"PADDY\",\"PIGEONPEA\"]"));
            Assert.That(Value("advisory", row, "stage_codes"), Is.EqualTo("[\"FLOWERING\"]"));
            Assert.That(Value("advisory", row, "category"), Is.EqualTo("pest"));
            Assert.That(Value("advisory", row, "source_type"), Is.EqualTo("KVK"));
        });
    }

    [TestCase("481", "4436;4437", "[]", "[4436,4437]", TestName = "ImportAsync_BlocksOfAListedDistrict_NarrowItToThoseBlocks")]
    [TestCase("481;482", "4436", "[482]", "[4436]", TestName = "ImportAsync_BlocksOfOneOfTwoDistricts_KeepTheOtherWhole")]
    [TestCase("", "4436", "[]", "[4436]", TestName = "ImportAsync_BlocksWithoutDistricts_TargetOnlyThoseBlocks")]
    [TestCase("482;481", "", "[481,482]", "[]", TestName = "ImportAsync_DistrictsOnly_SortedAndWhole")]
    public async Task ImportAsync_Targets_ResolvedToDistrictAndBlockCodes(string districts, string blocks, string storedDistricts, string storedBlocks)
    {
        var csv = new CsvText().Advisory(First, ("district_codes", districts), ("block_codes", blocks));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Inserted, Is.EqualTo(1), AdvisoryImportReport.ToText(summary));
        var row = (await AdvisoriesAsync()).Single();
        Assert.That((Value("advisory", row, "district_codes"), Value("advisory", row, "block_codes")), Is.EqualTo((storedDistricts, storedBlocks)));
    }

    [Test]
    public async Task ImportAsync_StateCodes_ExpandToTheStatesDistricts()
    {
        var csv = new CsvText().WithColumns([.. CsvText.Columns, "state_codes"]).Advisory(First, ("district_codes", string.Empty), ("state_codes", "3"));
        var unknown = new CsvText().WithColumns([.. CsvText.Columns, "state_codes"]).Advisory(Second, ("state_codes", "99"));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);
        var rejected = await ImportAsync(unknown.ToString(), AdvisoryInputFormat.Csv);

        var stored = (string)Value("advisory", (await AdvisoriesAsync()).Single(), "district_codes")!;
        var districts = JsonNode.Parse(stored)!.AsArray().Select(n => (long)n!).ToArray();
        Assert.That(summary.Inserted, Is.EqualTo(1));
        Assert.That(districts, Is.SupersetOf(new[] { 32L, 33L, 662L }));
        Assert.That(districts, Is.EqualTo((await TestData.LgdAsync()).DistrictsOfState(3)));
        Assert.That(rejected.Issues.Select(i => (i.Record, i.Field, i.Code)), Does.Contain((1L, "state_codes", UnknownLgdCode)));
    }

    [Test]
    public async Task ImportAsync_DateOnlyWindow_RunsFromStartOfFirstDayToEndOfLastDayInIst()
    {
        var csv = new CsvText().Advisory(First, ("valid_from", "2025-07-20"), ("valid_to", "2025-08-05"));

        await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        var row = (await AdvisoriesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(Value("advisory", row, "valid_from"), Is.EqualTo(DateTimeOffset.Parse("2025-07-20T00:00:00+05:30", CultureInfo.InvariantCulture)));
            Assert.That(Value("advisory", row, "valid_to"), Is.EqualTo(DateTimeOffset.Parse("2025-08-05T23:59:59+05:30", CultureInfo.InvariantCulture)));
            Assert.That(Value("advisory", row, "issued_at"), Is.EqualTo(Value("advisory", row, "valid_from")));
        });
    }

    [TestCase(201, true, TestName = "ImportAsync_IndicSmsOfThreeSegments_Accepted")]
    [TestCase(202, false, TestName = "ImportAsync_IndicSmsOfFourSegments_Rejected")]
    public async Task ImportAsync_IndicSmsAtTheSegmentLimit(int length, bool accepted)
    {
        var csv = new CsvText().Advisory(First, ("sms_text", new string('स', length)));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.That(summary.Inserted, Is.EqualTo(accepted ? 1 : 0));
    }

    [Test]
    public async Task ImportAsync_RecommendedInputsWithIndicText_StoredAsUtf8NotEscapes()
    {
        var sample = TestData.SampleNodes();
        sample[0]!["recommended_inputs"]![0]!["method"] = "प्रभावित हिस्से पर छिड़काव";

        await ImportAsync(sample.ToJsonString(), AdvisoryInputFormat.Json);

        var wheat = (await AdvisoriesAsync()).Single(r => Equals(Value("advisory", r, "advisory_id"), TestData.SampleId(1)));
        Assert.That(Value("advisory", wheat, "recommended_inputs"), Does.Contain("\"method\":\"प्रभावित हिस्से पर छिड़काव\"").And.Contain("\"dose_per_acre_ml\":200"));
    }
    // Titles and bodies written as plain UTF-8 in the file are validated and stored as UTF-8; escaped ones (\uXXXX, as
    // JsonNode writes non-ASCII by default) as strings. Each rule below must give the same answer both ways.
    private static readonly JsonSerializerOptions PlainUtf8 = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(JsonArray sample, bool escaped) => escaped ? sample.ToJsonString() : sample.ToJsonString(PlainUtf8);

    [TestCase(false, TestName = "ImportAsync_TitleAndBodyPaddedWithUnicodeSpace_StoredTrimmed(plain UTF-8)")]
    [TestCase(true, TestName = "ImportAsync_TitleAndBodyPaddedWithUnicodeSpace_StoredTrimmed(escaped)")]
    public async Task ImportAsync_TitleAndBodyPaddedWithUnicodeSpace_StoredTrimmed(bool escaped)
    {
        const string Title = "गेहूं में पीला रतुआ";
        const string Body = "पत्तियों पर पीली धारियाँ दिखें तो छिड़काव करें।\n\tदो दिन बाद फिर देखें।";
        var sample = TestData.SampleNodes();
        sample[0]!["translations"]!["hi-IN"]!["title"] = "\u3000\u2003 " + Title + " \u00a0\n";
        sample[0]!["translations"]!["hi-IN"]!["body"] = "\u0085\t" + Body + "\u2029 \u202f";

        var summary = await ImportAsync(Json(sample, escaped), AdvisoryInputFormat.Json);

        Assert.That(summary.Inserted, Is.EqualTo(5), AdvisoryImportReport.ToText(summary));
        var hindi = (await TranslationsAsync(TestData.SampleId(1))).Single(r => Equals(Value("advisory_translation", r, "lang"), "hi-IN"));
        Assert.Multiple(() =>
        {
            Assert.That(Value("advisory_translation", hindi, "title"), Is.EqualTo(Title));
            Assert.That(Value("advisory_translation", hindi, "body"), Is.EqualTo(Body));
        });
    }

    [TestCase(false, TestName = "ImportAsync_TitleOfOnlyUnicodeSpace_IsMissing(plain UTF-8)")]
    [TestCase(true, TestName = "ImportAsync_TitleOfOnlyUnicodeSpace_IsMissing(escaped)")]
    public async Task ImportAsync_TitleOfOnlyUnicodeSpace_IsMissing(bool escaped)
    {
        var sample = TestData.SampleNodes();
        sample[2]!["translations"]!["hi-IN"]!["title"] = "\u3000 \u00a0\u2028\t";

        var summary = await ImportAsync(Json(sample, escaped), AdvisoryInputFormat.Json);

        Assert.That(summary.Rejected, Is.EqualTo(1));
        Assert.That(summary.Issues.Select(i => (i.Record, i.Field, i.Code)), Does.Contain((3L, "translations.hi-IN.title", MissingField)));
    }

    // Lengths are in UTF-16 units, as a string's: a Devanagari letter is one (three UTF-8 bytes), an emoji two (four).
    [TestCase(false, "क", 10_000, true)]
    [TestCase(false, "🌾", 5_000, true)]
    [TestCase(false, "🌾", 5_001, false)]
    [TestCase(false, "b", 10_001, false)]
    [TestCase(true, "क", 10_000, true)]
    [TestCase(true, "🌾", 5_001, false)]
    public async Task ImportAsync_BodyLength_CountedInUtf16Units(bool escaped, string unit, int count, bool accepted)
    {
        var sample = TestData.SampleNodes();
        sample[2]!["translations"]!["hi-IN"]!["body"] = string.Concat(Enumerable.Repeat(unit, count));

        var summary = await ImportAsync(Json(sample, escaped), AdvisoryInputFormat.Json);

        Assert.That(summary.Inserted, Is.EqualTo(accepted ? 5 : 4), AdvisoryImportReport.ToText(summary));
        if (!accepted)
        {
            var issue = summary.Issues.Single(i => i.Code == TextTooLong);
            Assert.That((issue.Record, issue.Field, issue.Message), Is.EqualTo((3L, "translations.hi-IN.body", $"translations.hi-IN.body has {unit.Length * count} characters; at most 10000 are allowed")));
        }
    }

    // Bytes that are not UTF-8, or an escaped half of a surrogate pair, are not text: the file is malformed there,
    // whichever field they are in.
    [TestCase("title", false)]
    [TestCase("body", false)]
    [TestCase("sms_text", false)]
    [TestCase("category", false)]
    [TestCase("body", true)]
    [TestCase("title", true)]
    public async Task ImportAsync_JsonTextNotUnicode_StopsThereAndKeepsTheRecordsBefore(string field, bool loneSurrogate)
    {
        var sample = TestData.SampleNodes();
        var target = field == "category" ? sample[3]! : sample[3]!["translations"]!["en-IN"]!;
        target[field] = "Rust @@ on wheat";
        var json = sample.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(loneSurrogate ? json.Replace("@@", "\\ud83c", StringComparison.Ordinal) : json).ToList();
        if (!loneSurrogate)
        {
            var at = Enumerable.Range(0, bytes.Count).First(i => bytes[i] == '@' && bytes[i + 1] == '@');
            bytes[at] = 0xC3;
            bytes[at + 1] = 0x28;
        }

        await using var input = new MemoryStream(bytes.ToArray());
        var summary = await (await ImporterAsync()).ImportAsync(input, AdvisoryInputFormat.Json, null, CancellationToken.None);
        TestContext.Out.WriteLine(AdvisoryImportReport.ToText(summary));

        Assert.Multiple(() =>
        {
            Assert.That(summary.Aborted, Is.True);
            Assert.That(summary.Inserted, Is.EqualTo(3));
            Assert.That(summary.Issues.Where(i => i.Severity == AdvisoryImportIssueSeverity.Error).Select(i => (i.Record, i.Field, i.Code)),
                Is.EqualTo(new[] { (4L, "$", MalformedInput) }));
            Assert.That(summary.Issues.Single(i => i.Code == MalformedInput).Message, Does.Contain("a text of record 4 is not valid Unicode"));
        });
    }
}
