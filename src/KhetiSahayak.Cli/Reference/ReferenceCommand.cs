using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Sync.Stores;
using Spectre.Console;

namespace KhetiSahayak.Cli.Reference;

/// <summary>
/// <c>kheti reference load-lgd</c> and <c>kheti reference load-crops</c>: load the LGD dumps or the crop catalog
/// into a server store's synced reference tables (provisioned first), with a progress bar and a summary table. The
/// loads are idempotent: a second run writes nothing. Exit code 0 on success, 1 when a file is malformed (every
/// problem printed as <c>file: line N: field: reason</c>; nothing written) or the store fails, 2 on usage errors.
/// </summary>
internal static class ReferenceCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    public static Command Create()
    {
        var loadLgd = new Command("load-lgd", "Load the LGD states, districts and blocks (states.csv, districts.csv, blocks.csv) into the lgd_* tables");
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "The LGD folder; found automatically as shared/data/lgd above the current folder" };
        var (store, sqlitePath, postgres, scopes) = StoreOptions();
        loadLgd.Options.Add(dir);
        AddStoreOptions(loadLgd, store, sqlitePath, postgres, scopes);
        loadLgd.SetAction((parse, cancellationToken) => LoadLgdAsync(
            parse.GetValue(dir), Arguments(parse, store, sqlitePath, postgres, scopes), cancellationToken));

        var loadCrops = new Command("load-crops", "Load the crop catalog (the shipped crops.json, or --file) into the crop and crop_stage tables");
        var file = new Option<FileInfo?>("--file") { Description = "A crop catalog in the format of crops.json (default: the one shipped with the server)" };
        var (cropStore, cropSqlite, cropPostgres, cropScopes) = StoreOptions();
        loadCrops.Options.Add(file);
        AddStoreOptions(loadCrops, cropStore, cropSqlite, cropPostgres, cropScopes);
        loadCrops.SetAction((parse, cancellationToken) => LoadCropsAsync(
            parse.GetValue(file), Arguments(parse, cropStore, cropSqlite, cropPostgres, cropScopes), cancellationToken));

        return new Command("reference", "Load reference data (LGD geography, crops) into a server store") { loadLgd, loadCrops };
    }

    /// <summary>System.CommandLine answers parse errors with 1; this command promises 2 for usage errors, as <c>advisories</c> does.</summary>
    public static int ExitCode(ParseResult parse, int exit)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Errors.Count == 0)
        {
            return exit;
        }

        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Command.Name == "reference")
            {
                return UsageError;
            }
        }

        return exit;
    }

    private static (Option<string> Store, Option<FileInfo?> SqlitePath, Option<string?> Postgres, Option<DirectoryInfo?> Scopes) StoreOptions()
    {
        var store = new Option<string>("--store") { Description = "The server store to load into: sqlite or postgres", Required = true };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var sqlitePath = new Option<FileInfo?>("--sqlite-path") { Description = "The server's SQLite database (with --store sqlite; created if missing)" };
        var postgres = new Option<string?>("--postgres") { Description = "The PostgreSQL connection string (with --store postgres)" };
        var scopes = new Option<DirectoryInfo?>("--scopes") { Description = "The sync-scopes folder (found automatically when run inside the repository)" };
        return (store, sqlitePath, postgres, scopes);
    }

    private static void AddStoreOptions(Command command, Option<string> store, Option<FileInfo?> sqlitePath, Option<string?> postgres, Option<DirectoryInfo?> scopes)
    {
        command.Options.Add(store);
        command.Options.Add(sqlitePath);
        command.Options.Add(postgres);
        command.Options.Add(scopes);
    }

    private static StoreArguments Arguments(ParseResult parse, Option<string> store, Option<FileInfo?> sqlitePath, Option<string?> postgres, Option<DirectoryInfo?> scopes) =>
        new(parse.GetValue(store)!, parse.GetValue(sqlitePath), parse.GetValue(postgres), parse.GetValue(scopes));

    private static async Task<int> LoadLgdAsync(DirectoryInfo? dir, StoreArguments args, CancellationToken cancellationToken)
    {
        var folder = dir?.FullName ?? FindLgd(Directory.GetCurrentDirectory()) ?? FindLgd(AppContext.BaseDirectory);
        if (folder is null)
        {
            return Usage("cannot find the LGD folder (shared/data/lgd); pass --dir DIR");
        }

        if (!Directory.Exists(folder))
        {
            return Usage($"{folder}: no such folder");
        }

        // Read and check the files before touching the store: a malformed file is reported without a connection.
        LgdFiles files;
        try
        {
            files = await LgdFiles.ReadAsync(folder, cancellationToken);
        }
        catch (LgdFileException ex)
        {
            foreach (var error in ex.Errors)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {error}");
            }

            AnsiConsole.MarkupLineInterpolated($"[red]nothing was loaded:[/] fix {folder} and run again.");
            return Failed;
        }

        return await WithStoreAsync(args, folder, (store, scopeSet, progress) =>
            new LgdLoader(store, scopeSet.Catalog, TimeProvider.System).LoadAsync(files, progress, cancellationToken), cancellationToken);
    }

    private static async Task<int> LoadCropsAsync(FileInfo? file, StoreArguments args, CancellationToken cancellationToken)
    {
        CropCatalog catalog;
        try
        {
            if (file is null)
            {
                catalog = CropCatalog.LoadDefault();
            }
            else
            {
                await using var input = file.OpenRead();
                catalog = CropCatalog.Load(input);
            }
        }
        catch (FileNotFoundException)
        {
            return Usage($"{file!.FullName}: no such file");
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {file?.Name ?? "crops.json"}: {ex.Message}");
            return Failed;
        }

        return await WithStoreAsync(args, file?.FullName ?? "crops.json (shipped)", (store, scopeSet, progress) =>
            new CropReferenceLoader(store, scopeSet.Catalog, TimeProvider.System).LoadAsync(catalog, progress, cancellationToken), cancellationToken);
    }

    private static async Task<int> WithStoreAsync(
        StoreArguments args,
        string source,
        Func<IServerStore, KhetiSahayak.Sync.Scopes.ScopeSet, IProgress<ReferenceLoadProgress>, Task<IReadOnlyList<ReferenceTableResult>>> load,
        CancellationToken cancellationToken)
    {
        if (CliStores.Open(args.Store, args.SqlitePath, args.Postgres, out var usageError) is not { } serverStore)
        {
            return Usage(usageError!);
        }

        try
        {
            var scopeSet = ScopeFiles.Load(args.Scopes?.FullName);
            await serverStore.ProvisionAsync(scopeSet, cancellationToken);
            var results = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                    var progress = new InlineProgress(p =>
                    {
                        if (!tasks.TryGetValue(p.Table, out var task))
                        {
                            tasks[p.Table] = task = ctx.AddTask(Markup.Escape(p.Table), maxValue: Math.Max(1, p.Total));
                        }

                        task.Value = p.Done;
                    });
                    return await load(serverStore, scopeSet, progress);
                });
            Print(source, results);
            return Ok;
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {source}: {ex.Message}");
            return Failed;
        }
        finally
        {
            if (serverStore is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static void Print(string source, IReadOnlyList<ReferenceTableResult> results)
    {
        var ci = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("table", "rows", "new", "updated", "deleted", "unchanged");
        table.Title = new TableTitle(Markup.Escape(source));
        foreach (var r in results)
        {
            table.AddRow(r.Table, r.Rows.ToString(ci), r.Inserted.ToString(ci), r.Updated.ToString(ci), r.Deleted.ToString(ci), r.Unchanged.ToString(ci));
        }

        AnsiConsole.Write(table);
        var changed = results.Sum(r => r.Changed);
        AnsiConsole.MarkupLine(changed == 0
            ? "Nothing to change: the store already holds exactly these rows."
            : Markup.Escape(string.Create(ci, $"{changed} row(s) written; devices receive only those at their next sync.")));
    }

    private static int Usage(string message)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
        return UsageError;
    }

    /// <summary>The nearest <c>shared/data/lgd</c> at or above <paramref name="start"/> (so also <c>../shared/data/lgd</c> beside the repository).</summary>
    private static string? FindLgd(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "data", "lgd");
            if (File.Exists(Path.Combine(candidate, LgdFiles.StatesFile)))
            {
                return candidate;
            }
        }

        return null;
    }

    private sealed record StoreArguments(string Store, FileInfo? SqlitePath, string? Postgres, DirectoryInfo? Scopes);

    /// <summary>Reports on the loader's thread (Progress&lt;T&gt; would post to the thread pool and race the final update).</summary>
    private sealed class InlineProgress(Action<ReferenceLoadProgress> report) : IProgress<ReferenceLoadProgress>
    {
        public void Report(ReferenceLoadProgress value) => report(value);
    }
}
