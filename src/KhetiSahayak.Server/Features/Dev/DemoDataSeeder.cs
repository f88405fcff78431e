using System.Globalization;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Dev;

/// <summary>
/// In Development, loads the shared sample records: the sample farmer with plot, crop cycle, activities, ledger and
/// soil test; a demo officer assigned to the farmer's block; the advisories flattened into advisory and
/// advisory_translation rows; crop and stage reference rows. Rows are keyed by the samples' ids and only inserted when
/// missing, so every start is idempotent and edits made through sync survive a restart.
/// </summary>
internal sealed partial class DemoDataSeeder(
    IServerStore store,
    ScopeSet scopes,
    IHostEnvironment environment,
    IOptions<DemoDataOptions> options,
    ILogger<DemoDataSeeder> logger) : IHostedLifecycleService
{
    private static readonly (string Code, string Category, string En, string Hi, string Mr)[] Crops =
    [
        ("SOYBEAN", "oilseed", "Soybean", "सोयाबीन", "सोयाबीन"),
        ("WHEAT", "cereal", "Wheat", "गेहूं", "गहू"),
        ("MAIZE", "cereal", "Maize", "मक्का", "मका"),
        ("PADDY", "cereal", "Paddy", "धान", "भात"),
    ];

    private static readonly (string Code, string En, string Hi, string Mr)[] SoybeanStages =
    [
        ("PRE_SOWING", "Before sowing", "बुवाई से पहले", "पेरणीपूर्वी"),
        ("SOWING", "Sowing", "बुवाई", "पेरणी"),
        ("VEGETATIVE", "Vegetative", "वानस्पतिक वृद्धि", "वाढीची अवस्था"),
        ("FLOWERING", "Flowering", "फूल आना", "फुलोरा"),
        ("POD_FILLING", "Pod filling", "फली भरना", "शेंगा भरणे"),
        ("MATURITY", "Maturity", "परिपक्वता", "पक्वता"),
    ];

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var folder = FindDataFolder();
        if (folder is null)
        {
            LogNoData(logger, environment.ContentRootPath);
            return;
        }

        List<(TableDefinition Table, object?[] Row)> rows;
        try
        {
            rows = BuildRows(folder);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            LogUnreadable(logger, folder, ex);
            return;
        }

        var inserted = 0;
        await using (var session = await store.BeginWriteAsync(cancellationToken))
        {
            foreach (var (table, row) in rows)
            {
                var key = (Guid)row[table.KeyOrdinal]!;
                if (await session.ReadRowForUpdateAsync(table, key, cancellationToken) is null)
                {
                    await session.UpsertAsync(table, row, cancellationToken);
                    inserted++;
                }
            }

            await session.CommitAsync(cancellationToken);
        }

        LogSeeded(logger, folder, inserted, rows.Count - inserted);
    }

    private string? FindDataFolder()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.Path))
        {
            var configured = Path.GetFullPath(options.Value.Path, environment.ContentRootPath);
            return File.Exists(Path.Combine(configured, "farmer.sample.json")) ? configured : null;
        }

        for (var dir = new DirectoryInfo(environment.ContentRootPath); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "farmer.sample.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    private List<(TableDefinition, object?[])> BuildRows(string folder)
    {
        var rows = new List<(TableDefinition, object?[])>();
        void Add(string table, IReadOnlyDictionary<string, object?> values) => rows.Add((scopes.Catalog[table], Row(scopes.Catalog[table], values)));

        foreach (var (code, category, en, hi, mr) in Crops)
        {
            Add("crop", new Dictionary<string, object?>
            {
                ["crop_id"] = DemoIds.Named("crop:" + code),
                ["crop_code"] = code,
                ["names"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["en-IN"] = en, ["hi-IN"] = hi, ["mr-IN"] = mr }),
                ["category"] = category,
            });
        }

        for (var i = 0; i < SoybeanStages.Length; i++)
        {
            var (code, en, hi, mr) = SoybeanStages[i];
            Add("crop_stage", new Dictionary<string, object?>
            {
                ["stage_id"] = DemoIds.Named("crop_stage:SOYBEAN:" + code),
                ["crop_code"] = "SOYBEAN",
                ["stage_code"] = code,
                ["names"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["en-IN"] = en, ["hi-IN"] = hi, ["mr-IN"] = mr }),
                ["sequence"] = (long)(i + 1),
            });
        }

        using (var farmer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "farmer.sample.json"))))
        {
            // Parents first, as a scope pulls them.
            foreach (var table in new[] { "farmer_profile", "farm_plot", "crop_cycle", "field_activity", "ledger_entry", "soil_test" })
            {
                if (!farmer.RootElement.TryGetProperty(table, out var element))
                {
                    continue;
                }

                foreach (var record in element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().ToList() : [element])
                {
                    Add(table, FromJson(scopes.Catalog[table], record));
                }
            }

            if (farmer.RootElement.TryGetProperty("farmer_profile", out var profile))
            {
                Add("officer_assignment", new Dictionary<string, object?>
                {
                    ["assignment_id"] = DemoIds.Named("officer_assignment:" + DemoIds.Officer),
                    ["officer_id"] = DemoIds.Officer,
                    ["lgd_district_code"] = profile.GetProperty("lgd_district_code").GetInt64(),
                    ["lgd_block_code"] = profile.TryGetProperty("lgd_block_code", out var block) && block.ValueKind == JsonValueKind.Number ? block.GetInt64() : null,
                });
            }
        }

        var advisoriesFile = Path.Combine(folder, "advisories.sample.json");
        if (File.Exists(advisoriesFile))
        {
            using var advisories = JsonDocument.Parse(File.ReadAllText(advisoriesFile));
            foreach (var advisory in advisories.RootElement.EnumerateArray())
            {
                AddAdvisory(advisory, Add);
            }
        }

        return rows;
    }

    /// <summary>One advisory of the sample shape: targets become district/block code arrays, each translation a row carrying copies of the filter columns.</summary>
    private void AddAdvisory(JsonElement advisory, Action<string, IReadOnlyDictionary<string, object?>> add)
    {
        var values = FromJson(scopes.Catalog["advisory"], advisory);
        var districts = new List<long>();
        var blocks = new List<long>();
        if (advisory.TryGetProperty("targets", out var targets))
        {
            foreach (var target in targets.EnumerateArray())
            {
                var level = target.GetProperty("scope_level").GetString();
                (level == "block" ? blocks : districts).Add(target.GetProperty("lgd_code").GetInt64());
            }
        }

        values["district_codes"] = JsonSerializer.Serialize(districts);
        values["block_codes"] = JsonSerializer.Serialize(blocks);
        if (advisory.TryGetProperty("issuing_office", out var office) && office.ValueKind == JsonValueKind.Object && office.TryGetProperty("name", out var officeName))
        {
            values["issuing_office"] = officeName.GetString();
        }

        // A language may be listed without a translation yet (null); it gets no row.
        var translations = advisory.TryGetProperty("translations", out var t)
            ? t.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).ToList()
            : [];
        if (values.GetValueOrDefault("primary_lang") is null)
        {
            values["primary_lang"] = translations.Select(p => p.Name).FirstOrDefault() ?? "en-IN";
        }
        add("advisory", values);

        var advisoryId = (Guid)values["advisory_id"]!;
        foreach (var translation in translations)
        {
            var row = FromJson(scopes.Catalog["advisory_translation"], translation.Value);
            row["translation_id"] = DemoIds.Named($"advisory_translation:{advisoryId}:{translation.Name}");
            row["advisory_id"] = advisoryId;
            row["lang"] = translation.Name;
            foreach (var copied in new[] { "district_codes", "block_codes", "crop_codes", "status" })
            {
                row[copied] = values[copied];
            }

            add("advisory_translation", row);
        }
    }

    /// <summary>The properties of a sample record that are columns of the table, read with their column types.</summary>
    private static Dictionary<string, object?> FromJson(TableDefinition table, JsonElement record)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in record.EnumerateObject())
        {
            if (!table.TryGetOrdinal(property.Name, out var ordinal))
            {
                continue;
            }

            var column = table.Columns[ordinal];
            if (column.Type == ColumnType.Text && property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                continue;
            }

            if (!ValueCodec.TryFromJson(column, property.Value, out var value))
            {
                throw new InvalidDataException($"{table.Name}.{column.Name}: the sample value does not fit {column.Type}");
            }

            values[column.Name] = value;
        }

        return values;
    }

    private static object?[] Row(TableDefinition table, IReadOnlyDictionary<string, object?> values)
    {
        var row = new object?[table.Columns.Count];
        foreach (var (name, value) in values)
        {
            row[table.Ordinal(name)] = value;
        }

        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] is null && !table.Columns[i].Nullable)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{table.Name}.{table.Columns[i].Name}: the sample has no value for a required column"));
            }
        }

        return row;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Demo data from {Folder}: {Inserted} rows inserted, {Present} already present")]
    private static partial void LogSeeded(ILogger logger, string folder, int inserted, int present);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "No demo data: no shared/data folder above {ContentRoot} (set DemoData:Path)")]
    private static partial void LogNoData(ILogger logger, string contentRoot);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Demo data in {Folder} could not be read; starting without it")]
    private static partial void LogUnreadable(ILogger logger, string folder, Exception exception);
}
