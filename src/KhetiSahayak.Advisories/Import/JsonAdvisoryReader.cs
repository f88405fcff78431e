using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Streams a JSON array of advisories element by element, so memory holds one buffer of the file (1 MB, more only
/// for a larger advisory), never the file. A <see cref="Utf8JsonReader"/> finds each whole element in the buffer;
/// the element is parsed in place (<see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>, no copy)
/// and mapped, then the buffer is reused.
/// </summary>
/// <remarks>
/// This replaced <c>JsonSerializer.DeserializeAsyncEnumerable&lt;JsonElement&gt;</c>, whose per-element read-ahead,
/// copies and 16 KB stream reads cost more than validating the advisories (dotnet-trace of a 100,000-advisory dry run).
/// </remarks>
internal sealed class JsonAdvisoryReader(Stream stream) : IAdvisorySourceReader
{
    private const int BufferSize = 1 << 20;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    /// <summary>Stored JSON keeps Indic text as UTF-8, not \u escapes six times its size on the wire.</summary>
    private static readonly JsonSerializerOptions StoredJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public List<AdvisoryImportIssue> FileIssues { get; } = [];

    public bool Aborted { get; private set; }

    public async IAsyncEnumerable<SourceAdvisory> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var scan = new Scan { State = new JsonReaderState(ReaderOptions) };
        var elements = new List<Range>();
        int filled = 0, begin = 0;
        var final = false;
        var bomChecked = false;
        long record = 0;
        while (true)
        {
            // Keep the unread tail, make room (a single advisory larger than the buffer grows it), read more.
            if (begin > 0)
            {
                buffer.AsSpan(begin, filled - begin).CopyTo(buffer);
                filled -= begin;
                begin = 0;
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            while (!final && filled < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (n == 0)
                {
                    final = true;
                }

                filled += n;
                if (n < 4096)
                {
                    break;
                }
            }

            if (!bomChecked && (filled >= 3 || final))
            {
                bomChecked = true;
                if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    begin = 3;
                }
            }

            if (!bomChecked)
            {
                continue;
            }

            elements.Clear();
            string? error = null;
            try
            {
                begin += Find(buffer.AsSpan(begin, filled - begin), final, ref scan, elements, begin);
            }
            catch (JsonException ex)
            {
                // Nothing after a syntax error can be trusted; what was read before it stands (each record is whole).
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
                error = where;
            }

            foreach (var range in elements)
            {
                record++;
                SourceAdvisory advisory;
                using (var doc = JsonDocument.Parse(buffer.AsMemory(range), DocumentOptions))
                {
                    advisory = Map(doc.RootElement, record);
                }

                yield return advisory;
            }

            if (error is not null)
            {
                FileIssues.Add(new AdvisoryImportIssue(record + 1, null, null, "$", AdvisoryImportReasons.MalformedInput,
                    $"not a valid JSON array of advisories{error}; reading stopped after {record} record(s)"));
                Aborted = true;
                yield break;
            }

            if (scan.Done)
            {
                yield break;
            }
        }
    }

    /// <summary>Where the reader is between buffers.</summary>
    private struct Scan
    {
        public JsonReaderState State;

        public bool InArray;

        public bool AfterArray;

        /// <summary>The end of the input was reached after the array.</summary>
        public bool Done;
    }

    /// <summary>
    /// Adds the ranges (offset by <paramref name="offset"/>) of the whole array elements in <paramref name="data"/> and
    /// returns the bytes consumed; an element cut by the end of the buffer is left for the next call. Throws
    /// <see cref="JsonException"/> (with line and byte) on malformed JSON or a root that is not an array.
    /// </summary>
    private static int Find(ReadOnlySpan<byte> data, bool final, ref Scan scan, List<Range> elements, int offset)
    {
        var reader = new Utf8JsonReader(data, final, scan.State);
        var consumed = 0;
        while (true)
        {
            if (scan.AfterArray)
            {
                // Only whitespace and comments may follow; the reader throws on anything else.
                if (!reader.Read())
                {
                    scan.State = reader.CurrentState;
                    scan.Done = final;
                    return (int)reader.BytesConsumed;
                }

                continue;
            }

            if (!reader.Read())
            {
                if (final)
                {
                    throw new JsonException("the input ended before the array of advisories did");
                }

                return consumed;
            }

            if (!scan.InArray)
            {
                // A bare null reads as no advisories, as the serializer-based reader this replaced read it.
                if (reader.TokenType == JsonTokenType.Null)
                {
                    scan.AfterArray = true;
                    scan.State = reader.CurrentState;
                    consumed = (int)reader.BytesConsumed;
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("the input is not a JSON array of advisories");
                }

                scan.InArray = true;
                scan.State = reader.CurrentState;
                consumed = (int)reader.BytesConsumed;
                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                scan.AfterArray = true;
                scan.State = reader.CurrentState;
                consumed = (int)reader.BytesConsumed;
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                // The element goes on past the buffer: read it again from its start with more data.
                return consumed;
            }

            consumed = (int)reader.BytesConsumed;
            scan.State = reader.CurrentState;
            elements.Add(new Range(offset + start, offset + consumed));
        }
    }

    private static SourceAdvisory Map(JsonElement e, long record)
    {
        var issues = new List<AdvisoryImportIssue>();
        if (e.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new AdvisoryImportIssue(record, null, null, "$", AdvisoryImportReasons.InvalidType, $"an advisory must be a JSON object, not {Kind(e.ValueKind)}"));
            e = default;
        }

        string? id = null;
        SourceValue Scalar(string name, string? label = null) => ScalarOf(e, name, label ?? name, record, id, issues);

        var advisoryId = Scalar("advisory_id");
        id = advisoryId.Text;

        // issuing_office: {"kind", "name", "lgd_district_code"} (the name is stored) or plain text.
        var office = new SourceValue(null, "issuing_office", null);
        SourceValue? officeDistrict = null;
        if (TryGet(e, "issuing_office", out var officeElement))
        {
            if (officeElement.ValueKind == JsonValueKind.Object)
            {
                office = ScalarOf(officeElement, "name", "issuing_office.name", record, id, issues);
                if (TryGet(officeElement, "lgd_district_code", out _))
                {
                    officeDistrict = ScalarOf(officeElement, "lgd_district_code", "issuing_office.lgd_district_code", record, id, issues);
                }
            }
            else
            {
                office = Scalar("issuing_office");
            }
        }

        var targets = new List<SourceTarget>();
        foreach (var (item, label) in ArrayOf(e, "targets", record, id, issues))
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new AdvisoryImportIssue(record, null, id, label, AdvisoryImportReasons.InvalidType, $"a target must be an object with scope_level and lgd_code, not {Kind(item.ValueKind)}"));
                continue;
            }

            SourceValue? district = TryGet(item, "lgd_district_code", out _) ? ScalarOf(item, "lgd_district_code", label + ".lgd_district_code", record, id, issues) : null;
            targets.Add(new SourceTarget(
                ScalarOf(item, "scope_level", label + ".scope_level", record, id, issues),
                ScalarOf(item, "lgd_code", label + ".lgd_code", record, id, issues),
                district));
        }

        string? inputs = null;
        if (TryGet(e, "recommended_inputs", out var inputsElement) && inputsElement.ValueKind != JsonValueKind.Null)
        {
            if (inputsElement.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                inputs = JsonSerializer.Serialize(inputsElement, StoredJson);
            }
            else
            {
                issues.Add(new AdvisoryImportIssue(record, null, id, "recommended_inputs", AdvisoryImportReasons.InvalidType, $"recommended_inputs must be an array or object, not {Kind(inputsElement.ValueKind)}"));
            }
        }

        var translations = new List<SourceTranslation>();
        string? firstLang = null;
        if (TryGet(e, "translations", out var tr) && tr.ValueKind != JsonValueKind.Null)
        {
            if (tr.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new AdvisoryImportIssue(record, null, id, "translations", AdvisoryImportReasons.InvalidType, $"translations must be an object keyed by language, not {Kind(tr.ValueKind)}"));
            }
            else
            {
                foreach (var p in tr.EnumerateObject())
                {
                    firstLang ??= p.Name;
                    var label = "translations." + p.Name;
                    var lang = new SourceValue(p.Name, label, null);
                    if (p.Value.ValueKind == JsonValueKind.Null)
                    {
                        translations.Add(new SourceTranslation(lang, default, default, default, Declared: true));
                        continue;
                    }

                    if (p.Value.ValueKind != JsonValueKind.Object)
                    {
                        issues.Add(new AdvisoryImportIssue(record, null, id, label, AdvisoryImportReasons.InvalidType, $"a translation must be an object with title, body and sms_text, not {Kind(p.Value.ValueKind)}"));
                        continue;
                    }

                    translations.Add(new SourceTranslation(
                        lang,
                        ScalarOf(p.Value, "title", label + ".title", record, id, issues),
                        ScalarOf(p.Value, "body", label + ".body", record, id, issues),
                        ScalarOf(p.Value, "sms_text", label + ".sms_text", record, id, issues)));
                }
            }
        }

        // Without an explicit primary_lang the first translation listed is the original (officers write it first).
        var derived = !TryGet(e, "primary_lang", out _);
        var primary = derived ? new SourceValue(firstLang, "translations", null) : Scalar("primary_lang");

        var advisory = new SourceAdvisory
        {
            Record = record,
            AdvisoryId = advisoryId,
            Version = Scalar("version"),
            SourceType = Scalar("source_type"),
            IssuingOffice = office,
            IssuingOfficeDistrict = officeDistrict,
            BulletinRef = Scalar("bulletin_ref"),
            Category = Scalar("category"),
            Severity = Scalar("severity"),
            ImdColour = Scalar("imd_colour"),
            Season = Scalar("season"),
            PestDiseaseCode = Scalar("pest_disease_code"),
            CropCodesField = new SourceValue(null, "crop_codes", null),
            CropCodes = ArrayOf(e, "crop_codes", record, id, issues).Select(x => ScalarValue(x.Item, x.Label, record, id, issues)).ToArray(),
            StageCodes = ArrayOf(e, "stage_codes", record, id, issues).Select(x => ScalarValue(x.Item, x.Label, record, id, issues)).ToArray(),
            TargetsField = new SourceValue(null, "targets", null),
            Targets = targets,
            RecommendedInputs = inputs,
            IssuedAt = Scalar("issued_at"),
            ValidFrom = Scalar("valid_from"),
            ValidTo = Scalar("valid_to"),
            Status = Scalar("status"),
            PrimaryLang = primary,
            PrimaryLangDerived = derived,
            Translations = translations,
        };
        advisory.ReaderIssues.AddRange(issues);
        return advisory;
    }

    private static bool TryGet(JsonElement e, string name, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    private static SourceValue ScalarOf(JsonElement parent, string name, string label, long record, string? id, List<AdvisoryImportIssue> issues) =>
        TryGet(parent, name, out var value) ? ScalarValue(value, label, record, id, issues) : new SourceValue(null, label, null);

    /// <summary>Strings as they are; numbers and booleans as their JSON text, so the validator says what is wrong with them.</summary>
    private static SourceValue ScalarValue(JsonElement value, string label, long record, string? id, List<AdvisoryImportIssue> issues)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new SourceValue(value.GetString(), label, null);
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new SourceValue(value.GetRawText(), label, null);
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                issues.Add(new AdvisoryImportIssue(record, null, id, label, AdvisoryImportReasons.InvalidType, $"{label} must be a single value, not {Kind(value.ValueKind)}"));
                return new SourceValue(value.GetRawText(), label, null);
            default:
                return new SourceValue(null, label, null);
        }
    }

    private static List<(JsonElement Item, string Label)> ArrayOf(JsonElement parent, string name, long record, string? id, List<AdvisoryImportIssue> issues)
    {
        var list = new List<(JsonElement, string)>();
        if (!TryGet(parent, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            issues.Add(new AdvisoryImportIssue(record, null, id, name, AdvisoryImportReasons.InvalidType, $"{name} must be an array, not {Kind(value.ValueKind)}"));
            return list;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            list.Add((item, name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            i++;
        }

        return list;
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
