using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Sync.Stores;
using Spectre.Console;

namespace KhetiSahayak.Cli.Advisories;

/// <summary>
/// <c>kheti advisories import FILE</c>: imports an advisory CSV or JSON file straight into a server store (SQLite or
/// PostgreSQL, provisioned first), with a progress bar, a summary table and the first issues, and optionally the
/// machine-readable report. Exit code 0 when every record was valid, 1 when some were rejected or the file could not
/// be read to its end, 2 on usage errors.
/// </summary>
internal static class AdvisoriesCommand
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int UsageError = 2;

    /// <summary>Issues printed to the console; the rest are counted (the <c>--report</c> file has them all).</summary>
    public const int PrintedIssues = 20;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The advisory file (.csv or .json)" };
        var format = new Option<string?>("--format") { Description = "csv or json (default: from the file's extension)" };
        format.AcceptOnlyFromAmong("csv", "json");
        var store = new Option<string>("--store") { Description = "The server store to import into: sqlite or postgres", Required = true };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var sqlitePath = new Option<FileInfo?>("--sqlite-path") { Description = "The server's SQLite database (with --store sqlite; created if missing)" };
        var postgres = new Option<string?>("--postgres") { Description = "The PostgreSQL connection string (with --store postgres)" };
        var lgd = new Option<DirectoryInfo?>("--lgd") { Description = "The LGD folder (states.csv, districts.csv, blocks.csv); found automatically as shared/data/lgd above the current folder" };
        var scopes = new Option<DirectoryInfo?>("--scopes") { Description = "The sync-scopes folder (found automatically when run inside the repository)" };
        var report = new Option<FileInfo?>("--report") { Description = "Write the machine-readable JSON report (every issue) to this file" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and compare with the store, but write nothing" };
        var writers = new Option<int>("--write-concurrency")
        {
            Description = "Batches written at once on PostgreSQL, each in its own transaction (1-16; SQLite writes one at a time)",
            DefaultValueFactory = _ => new AdvisoryImportOptions().WriteConcurrency,
        };
        writers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 16)
            {
                result.AddError("--write-concurrency must be between 1 and 16");
            }
        });
        var import = new Command("import", "Import advisories from a CSV or JSON file into a server store") { file, format, store, sqlitePath, postgres, lgd, scopes, report, dryRun, writers };
        import.SetAction((parse, cancellationToken) => ImportAsync(
            new ImportArguments(
                parse.GetValue(file)!,
                parse.GetValue(format),
                parse.GetValue(store)!,
                parse.GetValue(sqlitePath),
                parse.GetValue(postgres),
                parse.GetValue(lgd),
                parse.GetValue(scopes),
                parse.GetValue(report),
                parse.GetValue(dryRun),
                parse.GetValue(writers)),
            cancellationToken));
        var advisories = new Command("advisories", "Work with advisories") { import };
        return advisories;
    }

    /// <summary>
    /// System.CommandLine answers its own parse errors with 1; this command promises 2 for every usage error, so
    /// Program maps a failed parse of <c>advisories …</c> to 2.
    /// </summary>
    public static int ExitCode(ParseResult parse, int exit)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Errors.Count == 0)
        {
            return exit;
        }

        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Command.Name == "advisories")
            {
                return UsageError;
            }
        }

        return exit;
    }

    private static async Task<int> ImportAsync(ImportArguments args, CancellationToken cancellationToken)
    {
        if (!args.File.Exists)
        {
            return Usage($"{args.File.FullName}: no such file");
        }

        var format = args.Format switch
        {
            "csv" => AdvisoryInputFormat.Csv,
            "json" => AdvisoryInputFormat.Json,
            _ => AdvisoryImporter.FormatOf(args.File.Name),
        };
        if (format is null)
        {
            return Usage($"{args.File.Name}: cannot tell the format from the extension; pass --format csv or --format json");
        }

        var lgdFolder = args.Lgd?.FullName ?? FindLgd(Directory.GetCurrentDirectory()) ?? FindLgd(AppContext.BaseDirectory);
        if (lgdFolder is null || !File.Exists(Path.Combine(lgdFolder, "states.csv")))
        {
            return Usage(lgdFolder is null ? "cannot find the LGD folder (shared/data/lgd); pass --lgd DIR" : $"{lgdFolder}: no states.csv; --lgd must name the LGD folder");
        }

        if (CliStores.Open(args.Store, args.SqlitePath, args.Postgres, out var usageError) is not { } serverStore)
        {
            return Usage(usageError!);
        }

        try
        {
            var scopeSet = ScopeFiles.Load(args.Scopes?.FullName);
            var lgdDirectory = await LgdDirectory.LoadAsync(lgdFolder, cancellationToken);
            await serverStore.ProvisionAsync(scopeSet, cancellationToken);
            var importer = new AdvisoryImporter(serverStore, scopeSet.Catalog, lgdDirectory, CropCatalog.LoadDefault(), TimeProvider.System,
                new AdvisoryImportOptions { DryRun = args.DryRun, WriteConcurrency = args.WriteConcurrency });

            AdvisoryImportSummary summary;
            await using (var input = args.File.OpenRead())
            {
                summary = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(Markup.Escape(args.File.Name), maxValue: Math.Max(1, input.Length));
                        var progress = new InlineProgress(p =>
                        {
                            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                                $"{args.File.Name}: read {p.Read}, imported {p.Imported}, unchanged {p.Unchanged}, rejected {p.Rejected}"));
                            task.Value = input.CanSeek ? input.Position : 0;
                        });
                        var result = await importer.ImportAsync(input, format.Value, progress, cancellationToken);
                        task.Value = task.MaxValue;
                        return result;
                    });
            }

            if (args.Report is not null)
            {
                await using var output = File.Create(args.Report.FullName);
                await AdvisoryImportReport.WriteJsonAsync(summary, output, cancellationToken);
            }

            Print(args.File.Name, summary, args.Report);
            return summary.Rejected == 0 && !summary.Aborted ? Ok : Rejected;
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {args.File.Name}: {ex.Message}");
            return Rejected;
        }
        finally
        {
            if (serverStore is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static void Print(string fileName, AdvisoryImportSummary summary, FileInfo? report)
    {
        var ci = CultureInfo.InvariantCulture;
        foreach (var issue in summary.Issues.Take(PrintedIssues))
        {
            var where = issue.Record == 0 ? fileName : string.Create(ci, $"{fileName}: record {issue.Record}");
            if (issue.Row is { } row)
            {
                where += string.Create(ci, $", row {row}");
            }

            if (issue.AdvisoryId is { } id)
            {
                where += ", advisory " + id;
            }

            var (label, colour) = issue.Severity == AdvisoryImportIssueSeverity.Warning ? ("warning", "yellow") : ("error", "red");
            AnsiConsole.MarkupLine($"[{colour}]{label}:[/] {Markup.Escape($"{where}: {issue.Field}: {issue.Code}: {issue.Message}")}");
        }

        var more = summary.Errors + summary.Warnings - Math.Min(PrintedIssues, summary.Issues.Count);
        if (more > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(ci, $"… {more} more") + (report is null ? " (write them all with --report FILE)" : $" (all in {report.Name})")));
        }

        var table = new Table().AddColumns("advisories", "count");
        table.Title = new TableTitle(Markup.Escape(summary.DryRun ? fileName + " (dry run: nothing written)" : fileName));
        table.AddRow("read", summary.Read.ToString(ci));
        table.AddRow("new", summary.Inserted.ToString(ci));
        table.AddRow("updated", summary.Updated.ToString(ci));
        table.AddRow("unchanged", summary.Unchanged.ToString(ci));
        table.AddRow("rejected", summary.Rejected.ToString(ci));
        table.AddRow("translations written / deleted", string.Create(ci, $"{summary.TranslationsWritten} / {summary.TranslationsDeleted}"));
        table.AddRow("errors / warnings", string.Create(ci, $"{summary.Errors} / {summary.Warnings}"));
        AnsiConsole.Write(table);
        if (summary.Aborted)
        {
            AnsiConsole.MarkupLine("[red]reading stopped early:[/] the file could not be read further (see the issues); records before that point were processed.");
        }
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
            if (File.Exists(Path.Combine(candidate, "states.csv")))
            {
                return candidate;
            }
        }

        return null;
    }

    private sealed record ImportArguments(
        FileInfo File, string? Format, string Store, FileInfo? SqlitePath, string? Postgres, DirectoryInfo? Lgd, DirectoryInfo? Scopes, FileInfo? Report, bool DryRun, int WriteConcurrency);

    /// <summary>Reports on the importer's thread (Progress&lt;T&gt; would post to the thread pool and race the final update).</summary>
    private sealed class InlineProgress(Action<AdvisoryImportProgress> report) : IProgress<AdvisoryImportProgress>
    {
        public void Report(AdvisoryImportProgress value) => report(value);
    }
}
