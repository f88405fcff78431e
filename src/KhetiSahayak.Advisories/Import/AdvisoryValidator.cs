using System.Globalization;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Advisories.Sms;
using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Checks one raw advisory against the vocabulary, the LGD directory and the crop catalog, and turns it into its
/// stored form. It reports every problem of the record, not only the first, so one pass fixes a spreadsheet.
/// </summary>
internal sealed class AdvisoryValidator(LgdDirectory lgd, CropCatalog crops, AdvisoryImportOptions options)
{
    // Titles and bodies given as strings (CSV, escaped JSON) become UTF-8 here; those the JSON reader kept as UTF-8 stay.
    private readonly Utf8TextBuffer _texts = Utf8TextBuffer.Unpooled();

    /// <summary>Returns the stored form, or null when the record has an error; issues (errors and warnings) go to <paramref name="issues"/>.</summary>
    public ValidAdvisory? Validate(SourceAdvisory source, List<AdvisoryImportIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(source);
        var start = issues.Count;
        issues.AddRange(source.ReaderIssues);
        var id = source.AdvisoryId.Text;

        void Add(SourceValue value, string code, string message, AdvisoryImportIssueSeverity severity = AdvisoryImportIssueSeverity.Error) =>
            issues.Add(new AdvisoryImportIssue(source.Record, value.Row ?? source.Row, id, value.Field, code, message, severity));

        bool Present(SourceValue value)
        {
            if (!value.IsMissing)
            {
                return true;
            }

            Add(value, AdvisoryImportReasons.MissingField, $"{value.Field} is required");
            return false;
        }

        string? Enum(SourceValue value, IReadOnlyList<string> list, bool required)
        {
            if (value.IsMissing)
            {
                if (required)
                {
                    Add(value, AdvisoryImportReasons.MissingField, $"{value.Field} is required (one of {string.Join(", ", list)})");
                }

                return null;
            }

            if (AdvisoryVocabulary.TryCanonical(list, value.Text!.Trim(), out var canonical))
            {
                return canonical;
            }

            Add(value, AdvisoryImportReasons.InvalidEnum, $"'{value.Text}' is not a valid {value.Field}; expected one of {string.Join(", ", list)}");
            return null;
        }

        string? Text(SourceValue value, int max)
        {
            if (value.IsMissing)
            {
                return null;
            }

            var text = value.Text!.Trim();
            if (text.Length > max)
            {
                Add(value, AdvisoryImportReasons.TextTooLong, $"{value.Field} has {text.Length} characters; at most {max} are allowed");
            }

            return text;
        }

        // Text(), for a title or a body: the same trim and the same length in UTF-16 units, on UTF-8.
        Utf8Text? LongText(SourceValue value, int max)
        {
            if (value.IsMissing)
            {
                return null;
            }

            Utf8Text? text;
            if (value.Utf8 is { } utf8)
            {
                var (start, length) = Utf8Trim.Range(utf8.Utf8);
                text = length == utf8.Utf8.Length ? utf8 : _texts.TryAdd(utf8.Utf8.Slice(start, length));
            }
            else
            {
                // Well-formed: CSV text is decoded from UTF-8 (ill-formed bytes become U+FFFD), and the JSON reader
                // refuses a lone surrogate escape as a malformed file.
                text = _texts.TryAdd(System.Text.Encoding.UTF8.GetBytes(value.Text!.Trim()));
            }

            if (text!.Utf16Length > max)
            {
                Add(value, AdvisoryImportReasons.TextTooLong, $"{value.Field} has {text.Utf16Length} characters; at most {max} are allowed");
            }

            return text;
        }

        long? Code(SourceValue value)
        {
            if (!long.TryParse(value.Text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code <= 0)
            {
                Add(value, AdvisoryImportReasons.InvalidNumber, $"'{value.Text}' is not an LGD code (a positive whole number)");
                return null;
            }

            return code;
        }

        DateTimeOffset? Date(SourceValue value, bool required, bool endOfDay)
        {
            if (value.IsMissing)
            {
                if (required)
                {
                    Add(value, AdvisoryImportReasons.MissingField, $"{value.Field} is required");
                }

                return null;
            }

            if (AdvisoryDates.TryParse(value.Text!.Trim(), endOfDay, out var ts))
            {
                return ts;
            }

            Add(value, AdvisoryImportReasons.InvalidDate, $"'{value.Text}' is not a date: use ISO 8601, e.g. 2025-07-15 or 2025-07-15T10:00:00+05:30");
            return null;
        }

        // Identity.
        Guid advisoryId = default;
        if (Present(source.AdvisoryId) && (!Guid.TryParseExact(source.AdvisoryId.Text!.Trim(), "D", out advisoryId) || advisoryId == Guid.Empty))
        {
            Add(source.AdvisoryId, AdvisoryImportReasons.InvalidUuid, $"'{source.AdvisoryId.Text}' is not a UUID like 0190a1b2-0000-7000-8000-000000000001");
        }

        long version = 0;
        if (Present(source.Version) && (!long.TryParse(source.Version.Text!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out version) || version <= 0))
        {
            Add(source.Version, AdvisoryImportReasons.InvalidNumber, $"version '{source.Version.Text}' must be a positive whole number");
        }

        // Closed lists.
        var sourceType = Enum(source.SourceType, AdvisoryVocabulary.SourceTypes, required: true);
        var category = Enum(source.Category, AdvisoryVocabulary.Categories, required: true);
        var severity = Enum(source.Severity, AdvisoryVocabulary.Severities, required: true);
        var status = Enum(source.Status, AdvisoryVocabulary.ImportStatuses, required: true);
        var season = Enum(source.Season, AdvisoryVocabulary.Seasons, required: false);
        var colour = Enum(source.ImdColour, AdvisoryVocabulary.ImdColours, required: false);

        var office = Text(source.IssuingOffice, 200);
        if (source.IssuingOfficeDistrict is { IsMissing: false } officeDistrict && Code(officeDistrict) is { } od && !lgd.DistrictExists(od))
        {
            Add(officeDistrict, AdvisoryImportReasons.UnknownLgdCode, $"district {od} is not in the LGD directory");
        }

        var bulletin = Text(source.BulletinRef, 200);
        var pest = Text(source.PestDiseaseCode, 64);

        // Crops and stages.
        var cropCodes = new List<string>();
        var cropsValid = true;
        if (source.CropCodes.Count == 0)
        {
            Add(source.CropCodesField, AdvisoryImportReasons.MissingField, $"crop_codes needs at least one crop code (\"{CropCatalog.AllCrops}\" for every crop)");
            cropsValid = false;
        }

        // Index loops over the source's lists: foreach over an IReadOnlyList allocates an enumerator each time.
        for (var i = 0; i < source.CropCodes.Count; i++)
        {
            var crop = source.CropCodes[i];
            if (crop.IsMissing || !crops.TryResolveCrop(crop.Text!.Trim(), out var canonical))
            {
                Add(crop, AdvisoryImportReasons.UnknownCrop, $"'{crop.Text}' is not a crop code of the catalog");
                cropsValid = false;
                continue;
            }

            if (!cropCodes.Contains(canonical))
            {
                cropCodes.Add(canonical);
            }
        }

        var stageCodes = new List<string>();
        for (var i = 0; i < source.StageCodes.Count; i++)
        {
            var stage = source.StageCodes[i];
            var code = stage.Text?.Trim().ToUpperInvariant() ?? string.Empty;
            var known = cropsValid && cropCodes.Count > 0 ? IsStageOfAny(cropCodes, code) : crops.IsKnownStage(code);
            if (!known)
            {
                var of = cropsValid && cropCodes.Count > 0 ? " of " + string.Join(", ", cropCodes) : string.Empty;
                Add(stage, AdvisoryImportReasons.UnknownStage, $"'{stage.Text}' is not a growth stage{of}");
                continue;
            }

            if (!stageCodes.Contains(code))
            {
                stageCodes.Add(code);
            }
        }

        // Targets: states expand to their districts; blocks refine listed districts (see the README).
        var states = new List<long>();
        var districts = new List<long>();
        var blocks = new List<(long Code, SourceValue Value)>();
        for (var i = 0; i < source.Targets.Count; i++)
        {
            var target = source.Targets[i];
            var level = Enum(target.Level, AdvisoryVocabulary.TargetLevels, required: true);
            if (level is null || Code(target.Code) is not { } code)
            {
                continue;
            }

            var exists = level switch { "state" => lgd.StateExists(code), "district" => lgd.DistrictExists(code), _ => lgd.BlockExists(code) };
            if (!exists)
            {
                Add(target.Code, AdvisoryImportReasons.UnknownLgdCode, $"{level} {code} is not in the LGD directory (2022–23 snapshot)");
                continue;
            }

            switch (level)
            {
                case "state":
                    states.Add(code);
                    break;
                case "district":
                    districts.Add(code);
                    break;
                default:
                    if (target.District is { IsMissing: false } declared && Code(declared) is { } d && !lgd.IsBlockInDistrict(code, d))
                    {
                        Add(target.Code, AdvisoryImportReasons.BlockOutsideDistrict, $"block {code} is not in district {d} (it is in {string.Join(", ", lgd.DistrictsOfBlock(code))})");
                        continue;
                    }

                    blocks.Add((code, target.Code));
                    break;
            }
        }

        if (source.Targets.Count == 0)
        {
            Add(source.TargetsField, AdvisoryImportReasons.MissingField, "an advisory needs at least one target: a state, district or block code");
        }

        if (districts.Count > 0)
        {
            foreach (var (block, value) in blocks)
            {
                if (!districts.Any(d => lgd.IsBlockInDistrict(block, d)))
                {
                    Add(value, AdvisoryImportReasons.BlockOutsideDistrict,
                        $"block {block} lies in district {string.Join(", ", lgd.DistrictsOfBlock(block))}, which is not among the advisory's districts ({string.Join(", ", districts)})");
                }
            }
        }

        // Window.
        var validFrom = Date(source.ValidFrom, required: true, endOfDay: false);
        var validTo = Date(source.ValidTo, required: true, endOfDay: true);
        var issuedAt = Date(source.IssuedAt, required: false, endOfDay: false) ?? validFrom;
        if (validFrom is { } from && validTo is { } to && to < from)
        {
            Add(source.ValidTo, AdvisoryImportReasons.InvalidWindow, $"valid_to {source.ValidTo.Text} is before valid_from {source.ValidFrom.Text}");
        }

        // Translations.
        string? primary = null;
        if (source.PrimaryLang.IsMissing)
        {
            Add(source.PrimaryLang, AdvisoryImportReasons.MissingField, source.PrimaryLangDerived
                ? "an advisory needs at least one translation"
                : "primary_lang is required: the language the advisory was written in");
        }
        else if (source.PrimaryLangDerived)
        {
            // Taken from the first translation's key, which reports its own invalid_enum.
            AdvisoryVocabulary.TryCanonical(AdvisoryVocabulary.Languages, source.PrimaryLang.Text!.Trim(), out var derived);
            primary = derived.Length > 0 ? derived : null;
        }
        else
        {
            primary = Enum(source.PrimaryLang, AdvisoryVocabulary.Languages, required: false);
        }

        var translations = new List<ValidTranslation>(source.Translations.Count);

        // A handful of languages at most: a list beats hashing them.
        var seen = new List<string>(source.Translations.Count);
        for (var i = 0; i < source.Translations.Count; i++)
        {
            var t = source.Translations[i];
            var lang = Enum(t.Lang, AdvisoryVocabulary.Languages, required: true);
            if (lang is null)
            {
                continue;
            }

            if (seen.Contains(lang))
            {
                Add(t.Lang, AdvisoryImportReasons.DuplicateTranslation, $"a second {lang} translation of this advisory");
                continue;
            }

            seen.Add(lang);

            if (t.Declared)
            {
                Add(t.Lang, AdvisoryImportReasons.MissingTranslation,
                    $"{lang} is listed without text; the advisory is imported without it and farmers who read only {lang} will not receive it",
                    AdvisoryImportIssueSeverity.Warning);
                continue;
            }

            var title = Present(t.Title) ? LongText(t.Title, options.MaxTitleLength) : null;
            var body = Present(t.Body) ? LongText(t.Body, options.MaxBodyLength) : null;
            var sms = t.SmsText.IsMissing ? null : t.SmsText.Text!.Trim();
            if (sms is not null && SmsCounter.Measure(sms) is { } length && length.Segments > options.MaxSmsSegments)
            {
                var per = length.Encoding == SmsEncoding.Gsm7 ? $"{SmsCounter.Gsm7Single} single / {SmsCounter.Gsm7Segment} per segment" : $"{SmsCounter.Ucs2Single} single / {SmsCounter.Ucs2Segment} per segment";
                Add(t.SmsText, AdvisoryImportReasons.SmsTooLong,
                    $"sms_text is {length.Units} {(length.Encoding == SmsEncoding.Gsm7 ? "GSM-7 septets" : "UCS-2 characters")} ({per}) = {length.Segments} segments; at most {options.MaxSmsSegments} allowed");
            }

            if (title is not null && body is not null)
            {
                translations.Add(new ValidTranslation(lang, title, body, sms));
            }
        }

        if (primary is not null && !HasTranslation(translations, primary) && !ListsTranslation(source.Translations, primary))
        {
            Add(source.PrimaryLang, AdvisoryImportReasons.MissingPrimaryTranslation, $"no {primary} translation, the advisory's primary language");
        }

        for (var i = start; i < issues.Count; i++)
        {
            if (issues[i].Severity == AdvisoryImportIssueSeverity.Error)
            {
                return null;
            }
        }

        // Loops rather than LINQ: this runs once per advisory, and the query chains were most of its allocations.
        var districtList = new List<long>(districts.Count);
        foreach (var d in districts)
        {
            if (!RefinedByBlock(blocks, d))
            {
                districtList.Add(d);
            }
        }

        foreach (var state in states)
        {
            districtList.AddRange(lgd.DistrictsOfState(state));
        }

        var blockList = new List<long>(blocks.Count);
        foreach (var (code, _) in blocks)
        {
            blockList.Add(code);
        }

        var districtCodes = SortedDistinct(districtList);
        var blockCodes = SortedDistinct(blockList);

        return new ValidAdvisory(source.Record, source.Row, advisoryId, version, sourceType!, office, bulletin, category!, severity!, colour, season,
            cropCodes, stageCodes, pest, districtCodes, blockCodes, source.RecommendedInputs, issuedAt!.Value, validFrom!.Value, validTo!.Value, status!, primary!, translations);
    }

    private bool IsStageOfAny(List<string> cropCodes, string stage)
    {
        foreach (var crop in cropCodes)
        {
            if (crops.IsStageOf(crop, stage))
            {
                return true;
            }
        }

        return false;
    }

    private bool RefinedByBlock(List<(long Code, SourceValue Value)> blocks, long district)
    {
        foreach (var (block, _) in blocks)
        {
            if (lgd.IsBlockInDistrict(block, district))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasTranslation(List<ValidTranslation> translations, string lang)
    {
        foreach (var t in translations)
        {
            if (t.Lang == lang)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the record lists <paramref name="lang"/> with text (valid or not: its own issues say what is wrong).</summary>
    private static bool ListsTranslation(IReadOnlyList<SourceTranslation> translations, string lang)
    {
        for (var i = 0; i < translations.Count; i++)
        {
            var t = translations[i];
            if (t.Lang.Text is { } l && string.Equals(l.Trim(), lang, StringComparison.OrdinalIgnoreCase) && !t.Declared)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ascending, each value once.</summary>
    private static long[] SortedDistinct(List<long> values)
    {
        values.Sort();
        var n = 0;
        var result = new long[values.Count];
        foreach (var v in values)
        {
            if (n == 0 || result[n - 1] != v)
            {
                result[n++] = v;
            }
        }

        return n == result.Length ? result : result[..n];
    }
}
