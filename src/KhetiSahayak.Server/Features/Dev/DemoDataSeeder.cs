using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Server.Features.Advisories;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Dev;

/// <summary>
/// In Development, loads the demo data through the same code paths real data takes: the LGD geography with
/// <see cref="LgdLoader"/>, the crop catalog with <see cref="CropReferenceLoader"/>, the sample advisories with
/// <see cref="AdvisoryImporter"/> (windows rebased by <see cref="DemoAdvisoryRebase"/> so they are current), and the
/// sample farmer (plot, crop cycle, activities, ledger, soil test) with a demo officer assigned to the farmer's block.
/// Every step is idempotent: a restart writes nothing, and edits made through sync survive it (farmer rows are only
/// inserted when missing).
/// </summary>
internal sealed partial class DemoDataSeeder(
    IServerStore store,
    ScopeSet scopes,
    AdvisoryReference reference,
    TimeProvider time,
    IHostEnvironment environment,
    IOptions<DemoDataOptions> options,
    IOptions<AdvisoriesOptions> advisoriesOptions,
    IOptions<AdvisoryImportOptions> importOptions,
    ILogger<DemoDataSeeder> logger) : IHostedLifecycleService
{
    public const string AdvisoriesFile = "advisories.sample.json";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var folder = FindDataFolder();
        if (folder is null)
        {
            LogNoData(logger, environment.ContentRootPath);
            return;
        }

        await LoadGeographyAsync(cancellationToken);
        var crops = await new CropReferenceLoader(store, scopes.Catalog, time).LoadAsync(reference.Crops, null, cancellationToken);
        var cropTables = Describe(crops);
        LogReference(logger, "crops.json", cropTables);

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
        await ImportAdvisoriesAsync(Path.Combine(folder, AdvisoriesFile), cancellationToken);
    }

    /// <summary>The LGD folder the advisory importer validates against, loaded into the lgd_* tables.</summary>
    private async Task LoadGeographyAsync(CancellationToken cancellationToken)
    {
        var lgdFolder = AdvisoryReferenceLoader.FindLgdFolder(advisoriesOptions.Value.LgdPath, environment.ContentRootPath);
        if (lgdFolder is null)
        {
            LogNoGeography(logger, environment.ContentRootPath);
            return;
        }

        try
        {
            var results = await new LgdLoader(store, scopes.Catalog, time).LoadAsync(lgdFolder, null, cancellationToken);
            var tables = Describe(results);
            LogReference(logger, lgdFolder, tables);
        }
        catch (LgdFileException ex)
        {
            LogGeographyUnreadable(logger, lgdFolder, ex);
        }
    }

    /// <summary>The sample advisories through the importer, rebased so they are current; the shift is logged.</summary>
    private async Task ImportAdvisoriesAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return;
        }

        if (reference.Lgd is not { } lgd)
        {
            LogAdvisoriesSkipped(logger, file);
            return;
        }

        JsonArray sample;
        try
        {
            sample = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken))?.AsArray() ?? throw new InvalidDataException("empty file");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or IOException)
        {
            LogUnreadable(logger, file, ex);
            return;
        }

        var advisoryTable = scopes.Catalog["advisory"];
        var stored = new Dictionary<Guid, (long Version, DateTimeOffset ValidTo)>();
        foreach (var row in await store.ReadRowsAsync(advisoryTable, null, null, cancellationToken))
        {
            stored[(Guid)row.Values[advisoryTable.KeyOrdinal]!] =
                ((long)row.Values[advisoryTable.Ordinal("version")]!, (DateTimeOffset)row.Values[advisoryTable.Ordinal("valid_to")]!);
        }

        var plan = DemoAdvisoryRebase.Plan(sample, stored, time.GetUtcNow());
        var rebased = DemoAdvisoryRebase.Apply(sample, plan);
        var importer = new AdvisoryImporter(store, scopes.Catalog, lgd, reference.Crops, time, importOptions.Value);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(rebased.ToJsonString()));
        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Json, null, cancellationToken);
        LogAdvisories(logger, file, plan.ShiftDays, plan.Reused ? "kept from the store" : "new", summary.Inserted, summary.Updated, summary.Unchanged, summary.Rejected);
        foreach (var issue in summary.Issues.Where(i => i.Severity == AdvisoryImportIssueSeverity.Error))
        {
            LogAdvisoryIssue(logger, issue.Record, issue.Field, issue.Code, issue.Message);
        }
    }

    private static string Describe(IReadOnlyList<ReferenceTableResult> results) =>
        string.Join("; ", results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Table} {r.Rows} rows ({r.Inserted} new, {r.Updated} updated, {r.Deleted} deleted, {r.Unchanged} unchanged)")));

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

        return rows;
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

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Demo reference data from {Source}: {Tables}")]
    private static partial void LogReference(ILogger logger, string source, string tables);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "No demo geography: no shared/data/lgd folder above {ContentRoot} (set Advisories:LgdPath)")]
    private static partial void LogNoGeography(ILogger logger, string contentRoot);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Demo geography in {Folder} could not be loaded; nothing was written")]
    private static partial void LogGeographyUnreadable(ILogger logger, string folder, Exception exception);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Demo advisories from {File} not imported: the LGD directory is not loaded")]
    private static partial void LogAdvisoriesSkipped(ILogger logger, string file);

    [LoggerMessage(EventId = 307, Level = LogLevel.Information,
        Message = "Demo advisories from {File}: validity windows shifted by {ShiftDays} days ({Shift}) so they are current; {Inserted} new, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected")]
    private static partial void LogAdvisories(ILogger logger, string file, int shiftDays, string shift, long inserted, long updated, long unchanged, long rejected);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Demo advisory record {Record}: {Field}: {Code}: {Message}")]
    private static partial void LogAdvisoryIssue(ILogger logger, long record, string field, string code, string message);
}
