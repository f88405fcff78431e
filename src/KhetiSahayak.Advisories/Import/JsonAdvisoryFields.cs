using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// The raw fields of one JSON advisory, filled by one <see cref="Utf8JsonReader"/> pass and reused from advisory to
/// advisory, and how they become a <see cref="SourceAdvisory"/>: values of the wrong JSON kind become issues, in the
/// order and wording the validator's other input (CSV) has, with JSON paths as field names.
/// </summary>
/// <remarks>
/// Everything is read first and turned into values and issues afterwards, because issues name the advisory id, which
/// may come last in the object. A property given twice keeps its last value.
/// </remarks>
internal sealed class JsonAdvisoryFields
{
    /// <summary>Languages whose labels are kept; a file inventing more keys gets its labels built each time.</summary>
    private const int MaxCachedLanguages = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    /// <summary>Stored JSON keeps Indic text as UTF-8, not \u escapes six times its size on the wire.</summary>
    private static readonly JsonSerializerOptions StoredJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Labels by position and language, built once per reader: every value carries one, and concatenating them for
    // each advisory was a good part of its allocations.
    private readonly List<string> _cropLabels = [];
    private readonly List<string> _stageLabels = [];
    private readonly List<TargetLabels> _targetLabels = [];
    private readonly Dictionary<string, TranslationLabels> _translationLabels = new(StringComparer.Ordinal);

    private readonly List<RawTarget> _targetItems = [];
    private readonly List<Raw> _cropItems = [];
    private readonly List<Raw> _stageItems = [];
    private readonly List<RawTranslation> _translationItems = [];
    private readonly List<AdvisoryImportIssue> _issues = [];

    // Titles and bodies, kept as the file's UTF-8: they are most of an advisory's bytes, and decoding them to strings
    // only for the COPY to encode them back was about 4% of a PostgreSQL import's perf samples (100,000 advisories).
    private readonly Utf8TextBuffer _texts = Utf8TextBuffer.Unpooled();

    private JsonValueKind _kind;
    private Raw _advisoryId;
    private Raw _version;
    private Raw _sourceType;
    private Raw _bulletinRef;
    private Raw _category;
    private Raw _severity;
    private Raw _imdColour;
    private Raw _season;
    private Raw _pestDiseaseCode;
    private Raw _issuedAt;
    private Raw _validFrom;
    private Raw _validTo;
    private Raw _status;
    private Raw _primaryLang;
    private Raw _office;
    private Raw _officeName;
    private Raw _officeDistrict;
    private Raw _targets;
    private Raw _cropCodes;
    private Raw _stageCodes;
    private Raw _inputs;
    private string? _inputsJson;
    private Raw _translations;

    /// <summary>A value as found: its JSON kind (<see cref="JsonValueKind.Undefined"/> when absent) and text.</summary>
    /// <param name="Text">A string's value, a number's or boolean's JSON text, an object's or array's raw JSON; null for null.</param>
    /// <param name="Utf8">A string's value kept as UTF-8 instead of <paramref name="Text"/> (titles and bodies without escapes).</param>
    private readonly record struct Raw(JsonValueKind Kind, string? Text, Utf8Text? Utf8 = null)
    {
        public bool Present => Kind != JsonValueKind.Undefined;
    }

    private readonly record struct RawTarget(JsonValueKind Kind, Raw Level, Raw Code, Raw District);

    private readonly record struct RawTranslation(string Lang, JsonValueKind Kind, Raw Title, Raw Body, Raw SmsText);

    private sealed record TargetLabels(string Item, string Level, string Code, string District);

    private sealed record TranslationLabels(string Lang, string Title, string Body, string SmsText);

    public void Clear()
    {
        _kind = JsonValueKind.Undefined;
        _advisoryId = _version = _sourceType = _bulletinRef = _category = _severity = _imdColour = _season = _pestDiseaseCode = default;
        _issuedAt = _validFrom = _validTo = _status = _primaryLang = default;
        _office = _officeName = _officeDistrict = _targets = _cropCodes = _stageCodes = _inputs = _translations = default;
        _inputsJson = null;
        _targetItems.Clear();
        _cropItems.Clear();
        _stageItems.Clear();
        _translationItems.Clear();
    }

    /// <summary>
    /// Reads the array element at the reader's current token (its first); false when the buffer ends inside it, and
    /// the caller reads it again from its start with more data.
    /// </summary>
    public bool TryRead(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            _kind = KindOf(reader.TokenType);
            return reader.TrySkip();
        }

        _kind = JsonValueKind.Object;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            bool read;
            if (reader.ValueTextEquals("advisory_id"u8))
            {
                read = Value(ref reader, data, out _advisoryId);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                read = Value(ref reader, data, out _version);
            }
            else if (reader.ValueTextEquals("source_type"u8))
            {
                read = Value(ref reader, data, out _sourceType);
            }
            else if (reader.ValueTextEquals("issuing_office"u8))
            {
                read = ReadOffice(ref reader, data);
            }
            else if (reader.ValueTextEquals("bulletin_ref"u8))
            {
                read = Value(ref reader, data, out _bulletinRef);
            }
            else if (reader.ValueTextEquals("category"u8))
            {
                read = Value(ref reader, data, out _category);
            }
            else if (reader.ValueTextEquals("severity"u8))
            {
                read = Value(ref reader, data, out _severity);
            }
            else if (reader.ValueTextEquals("imd_colour"u8))
            {
                read = Value(ref reader, data, out _imdColour);
            }
            else if (reader.ValueTextEquals("season"u8))
            {
                read = Value(ref reader, data, out _season);
            }
            else if (reader.ValueTextEquals("crop_codes"u8))
            {
                read = ReadValues(ref reader, data, _cropItems, out _cropCodes);
            }
            else if (reader.ValueTextEquals("stage_codes"u8))
            {
                read = ReadValues(ref reader, data, _stageItems, out _stageCodes);
            }
            else if (reader.ValueTextEquals("pest_disease_code"u8))
            {
                read = Value(ref reader, data, out _pestDiseaseCode);
            }
            else if (reader.ValueTextEquals("targets"u8))
            {
                read = ReadTargets(ref reader, data);
            }
            else if (reader.ValueTextEquals("recommended_inputs"u8))
            {
                read = ReadInputs(ref reader, data);
            }
            else if (reader.ValueTextEquals("issued_at"u8))
            {
                read = Value(ref reader, data, out _issuedAt);
            }
            else if (reader.ValueTextEquals("valid_from"u8))
            {
                read = Value(ref reader, data, out _validFrom);
            }
            else if (reader.ValueTextEquals("valid_to"u8))
            {
                read = Value(ref reader, data, out _validTo);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                read = Value(ref reader, data, out _status);
            }
            else if (reader.ValueTextEquals("primary_lang"u8))
            {
                read = Value(ref reader, data, out _primaryLang);
            }
            else if (reader.ValueTextEquals("translations"u8))
            {
                read = ReadTranslations(ref reader, data);
            }
            else
            {
                read = reader.Read() && reader.TrySkip();
            }

            if (!read)
            {
                return false;
            }
        }
    }

    /// <summary>The advisory read last, numbered <paramref name="record"/>, with the issues of its JSON shape.</summary>
    public SourceAdvisory ToSource(long record)
    {
        _issues.Clear();
        if (_kind != JsonValueKind.Object)
        {
            _issues.Add(new AdvisoryImportIssue(record, null, null, "$", AdvisoryImportReasons.InvalidType, $"an advisory must be a JSON object, not {Kind(_kind)}"));
        }

        string? id = null;
        var advisoryId = Scalar(_advisoryId, "advisory_id", record, id);
        id = advisoryId.Text;

        // issuing_office: {"kind", "name", "lgd_district_code"} (the name is stored) or plain text.
        var office = new SourceValue(null, "issuing_office", null);
        SourceValue? officeDistrict = null;
        if (_office.Present)
        {
            if (_office.Kind == JsonValueKind.Object)
            {
                office = Scalar(_officeName, "issuing_office.name", record, id);
                if (_officeDistrict.Present)
                {
                    officeDistrict = Scalar(_officeDistrict, "issuing_office.lgd_district_code", record, id);
                }
            }
            else
            {
                office = Scalar(_office, "issuing_office", record, id);
            }
        }

        var targets = new List<SourceTarget>(_targetItems.Count);
        ArrayKind(_targets, "targets", record, id);
        for (var i = 0; i < _targetItems.Count; i++)
        {
            var item = _targetItems[i];
            var labels = TargetLabelsAt(i);
            if (item.Kind != JsonValueKind.Object)
            {
                _issues.Add(new AdvisoryImportIssue(record, null, id, labels.Item, AdvisoryImportReasons.InvalidType, $"a target must be an object with scope_level and lgd_code, not {Kind(item.Kind)}"));
                continue;
            }

            SourceValue? district = item.District.Present ? Scalar(item.District, labels.District, record, id) : null;
            var level = Scalar(item.Level, labels.Level, record, id);
            targets.Add(new SourceTarget(level, Scalar(item.Code, labels.Code, record, id), district));
        }

        string? inputs = null;
        if (_inputs.Present && _inputs.Kind != JsonValueKind.Null)
        {
            if (_inputs.Kind is JsonValueKind.Array or JsonValueKind.Object)
            {
                inputs = _inputsJson;
            }
            else
            {
                _issues.Add(new AdvisoryImportIssue(record, null, id, "recommended_inputs", AdvisoryImportReasons.InvalidType, $"recommended_inputs must be an array or object, not {Kind(_inputs.Kind)}"));
            }
        }

        var translations = new List<SourceTranslation>(_translationItems.Count);
        string? firstLang = null;
        if (_translations.Present && _translations.Kind != JsonValueKind.Null)
        {
            if (_translations.Kind != JsonValueKind.Object)
            {
                _issues.Add(new AdvisoryImportIssue(record, null, id, "translations", AdvisoryImportReasons.InvalidType, $"translations must be an object keyed by language, not {Kind(_translations.Kind)}"));
            }
            else
            {
                foreach (var t in _translationItems)
                {
                    firstLang ??= t.Lang;
                    var labels = TranslationLabelsOf(t.Lang);
                    var lang = new SourceValue(t.Lang, labels.Lang, null);
                    if (t.Kind == JsonValueKind.Null)
                    {
                        translations.Add(new SourceTranslation(lang, default, default, default, Declared: true));
                        continue;
                    }

                    if (t.Kind != JsonValueKind.Object)
                    {
                        _issues.Add(new AdvisoryImportIssue(record, null, id, labels.Lang, AdvisoryImportReasons.InvalidType, $"a translation must be an object with title, body and sms_text, not {Kind(t.Kind)}"));
                        continue;
                    }

                    var title = Scalar(t.Title, labels.Title, record, id);
                    var body = Scalar(t.Body, labels.Body, record, id);
                    translations.Add(new SourceTranslation(lang, title, body, Scalar(t.SmsText, labels.SmsText, record, id)));
                }
            }
        }

        // Without an explicit primary_lang the first translation listed is the original (officers write it first).
        var derived = !_primaryLang.Present;
        var primary = derived ? new SourceValue(firstLang, "translations", null) : Scalar(_primaryLang, "primary_lang", record, id);

        var advisory = new SourceAdvisory
        {
            Record = record,
            AdvisoryId = advisoryId,
            Version = Scalar(_version, "version", record, id),
            SourceType = Scalar(_sourceType, "source_type", record, id),
            IssuingOffice = office,
            IssuingOfficeDistrict = officeDistrict,
            BulletinRef = Scalar(_bulletinRef, "bulletin_ref", record, id),
            Category = Scalar(_category, "category", record, id),
            Severity = Scalar(_severity, "severity", record, id),
            ImdColour = Scalar(_imdColour, "imd_colour", record, id),
            Season = Scalar(_season, "season", record, id),
            PestDiseaseCode = Scalar(_pestDiseaseCode, "pest_disease_code", record, id),
            CropCodesField = new SourceValue(null, "crop_codes", null),
            CropCodes = Scalars(_cropCodes, _cropItems, "crop_codes", _cropLabels, record, id),
            StageCodes = Scalars(_stageCodes, _stageItems, "stage_codes", _stageLabels, record, id),
            TargetsField = new SourceValue(null, "targets", null),
            Targets = targets,
            RecommendedInputs = inputs,
            IssuedAt = Scalar(_issuedAt, "issued_at", record, id),
            ValidFrom = Scalar(_validFrom, "valid_from", record, id),
            ValidTo = Scalar(_validTo, "valid_to", record, id),
            Status = Scalar(_status, "status", record, id),
            PrimaryLang = primary,
            PrimaryLangDerived = derived,
            Translations = translations,
        };
        advisory.ReaderIssues.AddRange(_issues);
        return advisory;
    }

    /// <summary>Strings as they are; numbers and booleans as their JSON text, so the validator says what is wrong with them.</summary>
    private SourceValue Scalar(Raw value, string label, long record, string? id)
    {
        if (value.Kind is JsonValueKind.Object or JsonValueKind.Array)
        {
            _issues.Add(new AdvisoryImportIssue(record, null, id, label, AdvisoryImportReasons.InvalidType, $"{label} must be a single value, not {Kind(value.Kind)}"));
        }

        return value.Utf8 is { } utf8 ? SourceValue.OfUtf8(utf8, label, null) : new SourceValue(value.Text, label, null);
    }

    /// <summary>Reports a value that should be an array (absent and null are empty arrays).</summary>
    private void ArrayKind(Raw value, string name, long record, string? id)
    {
        if (value.Present && value.Kind is not (JsonValueKind.Null or JsonValueKind.Array))
        {
            _issues.Add(new AdvisoryImportIssue(record, null, id, name, AdvisoryImportReasons.InvalidType, $"{name} must be an array, not {Kind(value.Kind)}"));
        }
    }

    private SourceValue[] Scalars(Raw array, List<Raw> items, string name, List<string> labels, long record, string? id)
    {
        ArrayKind(array, name, record, id);
        var values = new SourceValue[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            while (labels.Count <= i)
            {
                labels.Add(name + "[" + labels.Count.ToString(CultureInfo.InvariantCulture) + "]");
            }

            values[i] = Scalar(items[i], labels[i], record, id);
        }

        return values;
    }

    private TargetLabels TargetLabelsAt(int index)
    {
        while (_targetLabels.Count <= index)
        {
            var item = "targets[" + _targetLabels.Count.ToString(CultureInfo.InvariantCulture) + "]";
            _targetLabels.Add(new TargetLabels(item, item + ".scope_level", item + ".lgd_code", item + ".lgd_district_code"));
        }

        return _targetLabels[index];
    }

    private TranslationLabels TranslationLabelsOf(string lang)
    {
        if (_translationLabels.TryGetValue(lang, out var labels))
        {
            return labels;
        }

        var label = "translations." + lang;
        labels = new TranslationLabels(label, label + ".title", label + ".body", label + ".sms_text");
        if (_translationLabels.Count < MaxCachedLanguages)
        {
            _translationLabels[lang] = labels;
        }

        return labels;
    }

    /// <summary>Moves to the property's value and reads it.</summary>
    /// <param name="asUtf8">Where a string without escapes is kept as UTF-8, or null for a <see cref="string"/>.</param>
    private static bool Value(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out Raw value, Utf8TextBuffer? asUtf8 = null)
    {
        value = default;
        return reader.Read() && Current(ref reader, data, out value, asUtf8);
    }

    /// <summary>Reads the value at the current token; an object or array is kept as its raw JSON.</summary>
    private static bool Current(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out Raw value, Utf8TextBuffer? asUtf8 = null)
    {
        switch (reader.TokenType)
        {
            // Ill-formed UTF-8 is not kept (TryAdd gives null): GetString then fails on it as it does for any string.
            case JsonTokenType.String when asUtf8 is not null && !reader.ValueIsEscaped && asUtf8.TryAdd(reader.ValueSpan) is { } utf8:
                value = new Raw(JsonValueKind.String, null, utf8);
                return true;
            case JsonTokenType.String:
                value = new Raw(JsonValueKind.String, ReadString(ref reader));
                return true;
            case JsonTokenType.Number:
                value = new Raw(JsonValueKind.Number, Encoding.UTF8.GetString(reader.ValueSpan));
                return true;
            case JsonTokenType.True:
                value = new Raw(JsonValueKind.True, "true");
                return true;
            case JsonTokenType.False:
                value = new Raw(JsonValueKind.False, "false");
                return true;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                var kind = KindOf(reader.TokenType);
                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    value = default;
                    return false;
                }

                value = new Raw(kind, Encoding.UTF8.GetString(data[start..(int)reader.BytesConsumed]));
                return true;
            default:
                value = new Raw(JsonValueKind.Null, null);
                return true;
        }
    }

    /// <summary>
    /// The string or property name at the reader. Ill-formed UTF-8 or a lone surrogate escape in it (the only reasons
    /// GetString throws on such a token) makes the file malformed.
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonTextNotUnicodeException(ex);
        }
    }

    private bool ReadOffice(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        _officeName = _officeDistrict = default;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Current(ref reader, data, out _office);
        }

        _office = new Raw(JsonValueKind.Object, null);
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            bool read;
            if (reader.ValueTextEquals("name"u8))
            {
                read = Value(ref reader, data, out _officeName);
            }
            else if (reader.ValueTextEquals("lgd_district_code"u8))
            {
                read = Value(ref reader, data, out _officeDistrict);
            }
            else
            {
                read = reader.Read() && reader.TrySkip();
            }

            if (!read)
            {
                return false;
            }
        }
    }

    private static bool ReadValues(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, List<Raw> items, out Raw array)
    {
        items.Clear();
        array = default;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Current(ref reader, data, out array);
        }

        array = new Raw(JsonValueKind.Array, null);
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            if (!Current(ref reader, data, out var item))
            {
                return false;
            }

            items.Add(item);
        }
    }

    private bool ReadTargets(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        _targetItems.Clear();
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Current(ref reader, data, out _targets);
        }

        _targets = new Raw(JsonValueKind.Array, null);
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!Current(ref reader, data, out var other))
                {
                    return false;
                }

                _targetItems.Add(new RawTarget(other.Kind, default, default, default));
                continue;
            }

            if (!ReadFields(ref reader, data, "scope_level"u8, "lgd_code"u8, "lgd_district_code"u8, out var level, out var code, out var district))
            {
                return false;
            }

            _targetItems.Add(new RawTarget(JsonValueKind.Object, level, code, district));
        }
    }

    private bool ReadInputs(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        _inputsJson = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return Current(ref reader, data, out _inputs);
        }

        var kind = KindOf(reader.TokenType);
        var start = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            return false;
        }

        // Rare and free-form: parsed and written compactly by the serializer, as stored before.
        using var doc = JsonDocument.Parse(data[start..(int)reader.BytesConsumed].ToArray(), DocumentOptions);
        _inputs = new Raw(kind, null);
        _inputsJson = JsonSerializer.Serialize(doc.RootElement, StoredJson);
        return true;
    }

    private bool ReadTranslations(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        _translationItems.Clear();
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Current(ref reader, data, out _translations);
        }

        _translations = new Raw(JsonValueKind.Object, null);
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            var lang = ReadString(ref reader);
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!Current(ref reader, data, out var other))
                {
                    return false;
                }

                _translationItems.Add(new RawTranslation(lang, other.Kind, default, default, default));
                continue;
            }

            if (!ReadFields(ref reader, data, "title"u8, "body"u8, "sms_text"u8, out var title, out var body, out var sms, _texts))
            {
                return false;
            }

            _translationItems.Add(new RawTranslation(lang, JsonValueKind.Object, title, body, sms));
        }
    }

    /// <summary>
    /// The rest of an object whose start the reader is on: the values of three named properties (the last of each
    /// name wins); other properties are skipped. False when the data ends first.
    /// </summary>
    private static bool ReadFields(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, out Raw a, out Raw b, out Raw c, Utf8TextBuffer? firstTwoAsUtf8 = null)
    {
        a = default;
        b = default;
        c = default;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            bool read;
            if (reader.ValueTextEquals(first))
            {
                read = Value(ref reader, data, out a, firstTwoAsUtf8);
            }
            else if (reader.ValueTextEquals(second))
            {
                read = Value(ref reader, data, out b, firstTwoAsUtf8);
            }
            else if (reader.ValueTextEquals(third))
            {
                read = Value(ref reader, data, out c);
            }
            else
            {
                read = reader.Read() && reader.TrySkip();
            }

            if (!read)
            {
                return false;
            }
        }
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

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
