using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Cli.Bench;

/// <summary>
/// Deterministic bench data: the same seed gives the same rows, byte for byte, every time a sequence is enumerated
/// (the raw baselines re-enumerate the rows the server was seeded with). Advisory texts are drawn from small Hindi and
/// English farming vocabularies, so they compress roughly like real bulletins, not like random bytes or one repeated
/// sentence. Keys are UUIDv7 built from a fixed clock and the seeded generator.
/// </summary>
internal sealed class BenchData(TableCatalog catalog, int seed)
{
    /// <summary>The bench farmer's district and block (LGD codes of Latur, Maharashtra, as in the shared samples).</summary>
    public const long District = 481;

    public const long Block = 4436;

    /// <summary>A district no measured farmer lives in: warm-up rows go there.</summary>
    public const long WarmUpDistrict = 999;

    public const string Crop = "SOYBEAN";

    public const string PreferredLanguage = "hi-IN";

    public const string SecondLanguage = "en-IN";

    private static readonly DateTimeOffset Epoch = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Hindi =
    [
        "फसल", "खेत", "किसान", "बारिश", "मौसम", "सोयाबीन", "कपास", "गेहूं", "धान", "अरहर", "चना", "मक्का", "कीट", "रोग",
        "पत्तियों", "पर", "की", "में", "से", "और", "करें", "छिड़काव", "प्रति", "एकड़", "लीटर", "पानी", "दवा", "खाद", "यूरिया",
        "डीएपी", "बुवाई", "सिंचाई", "निराई", "कटाई", "बीज", "उपचार", "मिट्टी", "नमी", "तापमान", "हवा", "बादल", "धूप",
        "सलाह", "जाँच", "हर", "दिन", "सप्ताह", "पीला", "सफेद", "मक्खी", "इल्ली", "फफूंद", "नियंत्रण", "जैविक", "नीम",
        "तेल", "मिलीलीटर", "ग्राम", "समय", "सुबह", "शाम", "अगले", "तीन", "दिनों", "संभावना", "भारी", "हल्की", "वर्षा",
        "जल", "निकासी", "व्यवस्था", "पौधों", "बढ़वार", "फूल", "फली", "दाने", "भंडारण", "बाजार", "भाव", "कृषि", "विज्ञान", "केंद्र",
    ];

    private static readonly string[] English =
    [
        "crop", "field", "farmer", "rain", "weather", "soybean", "cotton", "wheat", "paddy", "pigeonpea", "gram", "maize",
        "pest", "disease", "leaves", "on", "the", "in", "from", "and", "spray", "per", "acre", "litres", "water", "dose",
        "fertilizer", "urea", "DAP", "sowing", "irrigation", "weeding", "harvest", "seed", "treatment", "soil", "moisture",
        "temperature", "wind", "cloudy", "sunny", "advice", "inspect", "every", "day", "week", "yellow", "whitefly",
        "caterpillar", "fungus", "control", "organic", "neem", "oil", "ml", "grams", "morning", "evening", "next", "three",
        "days", "chance", "heavy", "light", "rainfall", "drainage", "plants", "growth", "flowering", "pods", "grain",
        "storage", "market", "price", "KVK", "district", "avoid", "before", "after", "apply", "mix", "with", "stage",
    ];

    private static readonly string[] Categories = ["pest", "disease", "weather", "nutrient", "irrigation", "market"];

    private static readonly string[] Severities = ["info", "advisory", "watch", "warning"];

    /// <summary>The advisory_translation table the generated rows are for.</summary>
    public TableDefinition Translation => catalog["advisory_translation"];

    /// <summary>
    /// <paramref name="count"/> published advisory translations for <paramref name="district"/>, in pairs of one
    /// advisory: a Devanagari (hi-IN) text and an English one, so half the rows are Devanagari. Bodies are about 400
    /// characters. <paramref name="stream"/> separates independent sequences drawn from the same seed.
    /// </summary>
    public IEnumerable<object?[]> Translations(int count, long district, int stream)
    {
        var random = new Random(unchecked((seed * 7919) + stream));
        var clock = new UuidClock(random, Epoch.AddDays(stream));
        var table = Translation;
        for (var i = 0; i < count; i += 2)
        {
            var advisoryId = clock.Next();
            var shape = AdvisoryShape.Draw(random, district);
            yield return TranslationRow(table, random, clock.Next(), advisoryId, PreferredLanguage, shape);
            if (i + 1 < count)
            {
                yield return TranslationRow(table, random, clock.Next(), advisoryId, SecondLanguage, shape);
            }
        }
    }

    /// <summary>
    /// A season of advisories for <paramref name="district"/>: each advisory row followed by its translations in
    /// <paramref name="languages"/>, as an extension office publishes them.
    /// </summary>
    public IEnumerable<(TableDefinition Table, object?[] Values)> Season(int advisories, long district, IReadOnlyList<string> languages, int stream)
    {
        var random = new Random(unchecked((seed * 7919) + stream));
        var clock = new UuidClock(random, Epoch.AddDays(stream));
        var advisory = catalog["advisory"];
        var translation = Translation;
        for (var i = 0; i < advisories; i++)
        {
            var advisoryId = clock.Next();
            var shape = AdvisoryShape.Draw(random, district);
            var issued = Epoch.AddHours(6 * i);
            yield return (advisory, Row(advisory, new()
            {
                ["advisory_id"] = advisoryId,
                ["version"] = 1L,
                ["source_type"] = random.Next(3) == 0 ? "IMD_AGROMET" : "KVK",
                ["issuing_office"] = "KVK Latur",
                ["bulletin_ref"] = "AAS/LTR/" + i.ToString("D4", CultureInfo.InvariantCulture),
                ["category"] = Categories[random.Next(Categories.Length)],
                ["severity"] = Severities[random.Next(Severities.Length)],
                ["season"] = "kharif",
                ["crop_codes"] = shape.Crops,
                ["stage_codes"] = "[\"VEGETATIVE\",\"FLOWERING\"]",
                ["pest_disease_code"] = random.Next(2) == 0 ? null : "SOYBEAN_GIRDLE_BEETLE",
                ["district_codes"] = shape.Districts,
                ["block_codes"] = "[]",
                ["recommended_inputs"] = random.Next(2) == 0 ? null : "[{\"active_ingredient\":\"thiamethoxam\",\"formulation\":\"12.6 ZC\",\"dose_per_acre_ml\":50,\"water_l_per_acre\":200}]",
                ["issued_at"] = issued,
                ["valid_from"] = issued,
                ["valid_to"] = issued.AddDays(7),
                ["status"] = "published",
                ["primary_lang"] = languages[0],
            }));
            foreach (var lang in languages)
            {
                yield return (translation, TranslationRow(translation, random, clock.Next(), advisoryId, lang, shape));
            }
        }
    }

    /// <summary>
    /// <paramref name="advisories"/> advisories for <paramref name="district"/> in the source format extension offices
    /// import (shared/data/advisories.sample.json): a JSON array, each advisory with its hi-IN and en-IN texts, so the
    /// import writes twice as many translation rows as advisories, like <see cref="Translations"/>.
    /// </summary>
    public void WriteAdvisorySource(Stream output, int advisories, long district, int stream)
    {
        var random = new Random(unchecked((seed * 7919) + stream));
        var clock = new UuidClock(random, Epoch.AddDays(stream));
        using var writer = new System.Text.Json.Utf8JsonWriter(output, new System.Text.Json.JsonWriterOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        });
        writer.WriteStartArray();
        for (var i = 0; i < advisories; i++)
        {
            var issued = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(5.5)).AddHours(6 * i);
            writer.WriteStartObject();
            writer.WriteString("advisory_id", clock.Next());
            writer.WriteNumber("version", 1);
            writer.WriteString("source_type", "KVK");
            writer.WriteStartObject("issuing_office");
            writer.WriteString("kind", "KVK");
            writer.WriteString("name", "KVK Latur");
            writer.WriteNumber("lgd_district_code", district);
            writer.WriteEndObject();
            writer.WriteString("category", Categories[random.Next(Categories.Length)]);
            writer.WriteString("severity", random.Next(2) == 0 ? "advisory" : "warning");
            writer.WriteString("season", "kharif");
            writer.WriteStartArray("crop_codes");
            writer.WriteStringValue(Crop);
            writer.WriteEndArray();
            writer.WriteStartArray("stage_codes");
            writer.WriteStringValue("VEGETATIVE");
            writer.WriteStringValue("FLOWERING");
            writer.WriteEndArray();
            writer.WriteStartArray("targets");
            writer.WriteStartObject();
            writer.WriteString("scope_level", "district");
            writer.WriteNumber("lgd_code", district);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("issued_at", issued);
            writer.WriteString("valid_from", issued);
            writer.WriteString("valid_to", issued.AddYears(20));
            writer.WriteString("status", "published");
            writer.WriteStartObject("translations");
            foreach (var lang in new[] { PreferredLanguage, SecondLanguage })
            {
                var devanagari = lang != SecondLanguage;
                writer.WriteStartObject(lang);
                writer.WriteString("title", Text(random, devanagari, 40));
                writer.WriteString("body", Text(random, devanagari, 400));
                writer.WriteString("sms_text", Text(random, devanagari, 120));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            if (writer.BytesPending > 64 * 1024)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>A farmer's profile and one soybean crop cycle: enough for the advisory filter to match the bench rows.</summary>
    public IEnumerable<(TableDefinition Table, object?[] Values)> Farmer(Guid farmerId, long district, int plots, int activities = 0, int ledgerEntries = 0)
    {
        var random = new Random(unchecked((seed * 31) + farmerId.GetHashCode()));
        var profile = catalog["farmer_profile"];
        yield return (profile, Row(profile, new()
        {
            ["farmer_id"] = farmerId,
            ["full_name"] = "सुनीता शिंदे",
            ["name_latin"] = "Sunita Shinde",
            ["gender"] = "F",
            ["birth_year"] = 1984L,
            ["preferred_lang"] = PreferredLanguage,
            ["secondary_lang"] = SecondLanguage,
            ["lgd_state_code"] = 27L,
            ["lgd_district_code"] = district,
            ["lgd_block_code"] = district == District ? Block : district * 10,
            ["pincode"] = "413512",
            ["farmer_category"] = "small",
        }));
        var plotIds = new List<Guid>();
        var plot = catalog["farm_plot"];
        for (var p = 0; p < plots; p++)
        {
            var plotId = DerivedId(farmerId, 0x10 + p);
            plotIds.Add(plotId);
            var acres = Math.Round(0.5 + (random.NextDouble() * 3), 2);
            yield return (plot, Row(plot, new()
            {
                ["plot_id"] = plotId,
                ["farmer_id"] = farmerId,
                ["local_name"] = "विहिरीजवळचा शेत " + (p + 1).ToString(CultureInfo.InvariantCulture),
                ["survey_no"] = "गट नं. " + random.Next(100, 999).ToString(CultureInfo.InvariantCulture),
                ["area_value"] = acres,
                ["area_unit"] = "acre",
                ["area_ha"] = Math.Round(acres / 2.471, 4),
                ["tenure"] = "owned",
                ["irrigation_source"] = "openwell",
                ["soil_type"] = "black",
                ["centroid_lat"] = 18.4 + (random.NextDouble() / 100),
                ["centroid_lon"] = 76.56 + (random.NextDouble() / 100),
                ["gps_accuracy_m"] = 8.5,
            }));
        }

        var cycle = catalog["crop_cycle"];
        var cycleId = DerivedId(farmerId, 0x01);
        yield return (cycle, Row(cycle, new()
        {
            ["cycle_id"] = cycleId,
            ["farmer_id"] = farmerId,
            ["plot_id"] = plotIds.Count > 0 ? plotIds[0] : DerivedId(farmerId, 0x10),
            ["crop_code"] = Crop,
            ["variety_text"] = "JS 9560",
            ["season"] = "kharif",
            ["crop_year"] = "2026-27",
            ["sowing_date"] = new DateOnly(2026, 6, 28),
            ["status"] = "growing",
            ["current_stage_code"] = "FLOWERING",
        }));

        var activity = catalog["field_activity"];
        for (var a = 0; a < activities; a++)
        {
            yield return (activity, Row(activity, new()
            {
                ["activity_id"] = DerivedId(farmerId, 0x100 + a),
                ["farmer_id"] = farmerId,
                ["plot_id"] = plotIds.Count > 0 ? plotIds[a % plotIds.Count] : DerivedId(farmerId, 0x10),
                ["cycle_id"] = cycleId,
                ["activity_type"] = a % 3 == 0 ? "fertilizer" : a % 3 == 1 ? "weeding" : "pesticide",
                ["performed_on"] = new DateOnly(2026, 7, 1).AddDays(a * 3),
                ["quantity"] = 1.0 + random.Next(5),
                ["quantity_unit"] = "bag",
                ["cost_paise"] = (long)random.Next(10_000, 500_000),
                ["notes"] = "बीजप्रक्रिया करून पेरणी",
            }));
        }

        var ledger = catalog["ledger_entry"];
        for (var l = 0; l < ledgerEntries; l++)
        {
            yield return (ledger, Row(ledger, new()
            {
                ["entry_id"] = DerivedId(farmerId, 0x200 + l),
                ["farmer_id"] = farmerId,
                ["direction"] = l % 4 == 0 ? "income" : "expense",
                ["category"] = l % 4 == 0 ? "crop_sale" : "inputs",
                ["amount_paise"] = (long)random.Next(50_000, 5_000_000),
                ["entry_date"] = new DateOnly(2026, 7, 1).AddDays(l * 5),
                ["payment_mode"] = "upi",
            }));
        }
    }

    /// <summary>A stable id derived from a parent id and a small number (a farmer's n-th plot, say).</summary>
    public static Guid DerivedId(Guid parent, int n)
    {
        Span<byte> bytes = stackalloc byte[16];
        parent.TryWriteBytes(bytes, bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(bytes[12..], BinaryPrimitives.ReadInt32BigEndian(bytes[12..]) ^ (n + 1));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The n-th farmer id of this seed.</summary>
    public Guid FarmerId(int n)
    {
        Span<byte> bytes = stackalloc byte[16];
        var random = new Random(unchecked((seed * 104729) + n));
        random.NextBytes(bytes);
        UuidClock.Stamp(bytes, Epoch.ToUnixTimeMilliseconds() + n);
        return new Guid(bytes, bigEndian: true);
    }

    private static object?[] TranslationRow(TableDefinition table, Random random, Guid id, Guid advisoryId, string lang, AdvisoryShape shape)
    {
        var devanagari = lang != SecondLanguage;
        return Row(table, new()
        {
            ["translation_id"] = id,
            ["advisory_id"] = advisoryId,
            ["lang"] = lang,
            ["title"] = Text(random, devanagari, 40),
            ["body"] = Text(random, devanagari, 400),
            ["sms_text"] = Text(random, devanagari, 120),
            ["district_codes"] = shape.Districts,
            ["block_codes"] = "[]",
            ["crop_codes"] = shape.Crops,
            ["status"] = "published",
        });
    }

    private static string Text(Random random, bool devanagari, int length)
    {
        var words = devanagari ? Hindi : English;
        var sb = new StringBuilder(length + 24);
        while (sb.Length < length)
        {
            if (sb.Length > 0)
            {
                sb.Append(random.Next(12) == 0 ? devanagari ? "। " : ". " : " ");
            }

            sb.Append(words[random.Next(words.Length)]);
        }

        return sb.ToString();
    }

    private static object?[] Row(TableDefinition table, Dictionary<string, object?> values)
    {
        var row = new object?[table.Columns.Count];
        foreach (var (name, value) in values)
        {
            if (table.TryGetOrdinal(name, out var o))
            {
                row[o] = value;
            }
        }

        return row;
    }

    /// <summary>Which districts and crops an advisory targets; always including the bench farmer's.</summary>
    private sealed record AdvisoryShape(string Districts, string Crops)
    {
        private static readonly string[] OtherCrops = ["COTTON", "TUR", "GRAM", "WHEAT", "JOWAR"];

        public static AdvisoryShape Draw(Random random, long district)
        {
            var d = district.ToString(CultureInfo.InvariantCulture);
            var districts = random.Next(3) switch
            {
                0 => "[" + d + "]",
                1 => "[" + d + ",490]",
                _ => "[490,532," + d + "]",
            };
            var crops = random.Next(4) switch
            {
                0 => "[\"ALL\"]",
                1 => "[\"" + Crop + "\"]",
                _ => "[\"" + Crop + "\",\"" + OtherCrops[random.Next(OtherCrops.Length)] + "\"]",
            };
            return new AdvisoryShape(districts, crops);
        }
    }

    /// <summary>UUIDv7 keys in creation order, from a fixed start time and a seeded generator.</summary>
    private sealed class UuidClock(Random random, DateTimeOffset start)
    {
        private long _millis = start.ToUnixTimeMilliseconds();

        public Guid Next()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            Stamp(bytes, _millis++);
            return new Guid(bytes, bigEndian: true);
        }

        public static void Stamp(Span<byte> bytes, long unixMillis)
        {
            bytes[0] = (byte)(unixMillis >> 40);
            bytes[1] = (byte)(unixMillis >> 32);
            bytes[2] = (byte)(unixMillis >> 24);
            bytes[3] = (byte)(unixMillis >> 16);
            bytes[4] = (byte)(unixMillis >> 8);
            bytes[5] = (byte)unixMillis;
            bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        }
    }
}
