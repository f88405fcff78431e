using System.CommandLine;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Cli.Bench.Scenarios;
using KhetiSahayak.Cli.Simulation;

namespace KhetiSahayak.Cli.Bench;

/// <summary>
/// <c>kheti bench SCENARIO</c>: measures sync against the real server hosted in this process, with real devices
/// over loopback HTTP, and prints a table or one JSON object.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure sync against the real server in-process: speed, bytes on the wire, memory, latency");
        bench.Subcommands.Add(InitialSync());
        bench.Subcommands.Add(DeltaSync());
        bench.Subcommands.Add(NoopSync());
        bench.Subcommands.Add(Network());
        bench.Subcommands.Add(FirstInstall());
        bench.Subcommands.Add(BulkLoad());
        return bench;
    }

    private static Command InitialSync()
    {
        var common = new BenchOptions();
        var rows = BenchOptions.Positive("--rows", "Advisory rows the fresh device pulls", 100_000);
        var breakdown = new Option<bool>("--breakdown") { Description = "Also time the engine alone and HTTP alone, and split the bytes (two more passes over the pages)" };
        var command = new Command(InitialSyncScenario.Name, "A fresh device pulls N rows; compared with a raw SQLite insert and brotli of the bare values") { rows, breakdown };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => BenchOutput.RunAsync(parse, common,
            (settings, ct) => InitialSyncScenario.RunAsync(settings, parse.GetValue(rows), parse.GetValue(breakdown), ct), cancellationToken));
        return command;
    }

    private static Command DeltaSync()
    {
        var common = new BenchOptions();
        var devices = BenchOptions.Positive("--devices", "Devices (one farmer each), synced once before the measurement", 1_000);
        var concurrency = BenchOptions.Positive("--concurrency", "Devices syncing at once", 200);
        var changes = BenchOptions.Positive("--changes", "Plot edits each device pushes", 10, minimum: 0);
        var pullRows = BenchOptions.Positive("--pull-rows", "New advisory rows the server publishes before the measured syncs (every device pulls them)", 3, minimum: 0);
        var attempts = new Option<int?>("--client-max-attempts") { Description = "Attempts each device's transport makes per call (default: the SDK's)" };
        attempts.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--client-max-attempts must be at least 1");
            }
        });
        var command = new Command(DeltaSyncScenario.Name, "N pre-synced devices, C at a time, each pushing K changes and pulling a few rows") { devices, concurrency, changes, pullRows, attempts };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => BenchOutput.RunAsync(parse, common,
            (settings, ct) => DeltaSyncScenario.RunAsync(settings, parse.GetValue(devices), parse.GetValue(concurrency), parse.GetValue(changes), parse.GetValue(pullRows), parse.GetValue(attempts), ct), cancellationToken));
        return command;
    }

    private static Command NoopSync()
    {
        var common = new BenchOptions();
        var repeat = BenchOptions.Positive("--repeat", "No-op syncs to measure", 20);
        var command = new Command(NoopSyncScenario.Name, "Requests, bytes and latency of a sync with nothing to do") { repeat };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => BenchOutput.RunAsync(parse, common,
            (settings, ct) => NoopSyncScenario.RunAsync(settings, parse.GetValue(repeat), ct), cancellationToken));
        return command;
    }

    private static Command Network() =>
        ShapedLinkCommand(NetworkScenario.Name, "A farmer's first sync through a shaped link: time until usable and bytes", NetworkScenario.RunAsync);

    private static Command FirstInstall() =>
        ShapedLinkCommand(FirstInstallScenario.Name, "A farmer's first install through a shaped link: plain first sync vs district snapshot + sync", FirstInstallScenario.RunAsync);

    /// <summary>A scenario that runs a farmer's season of advisories through a shaped link (--profile, --advisories).</summary>
    private static Command ShapedLinkCommand<TReport>(string name, string description, Func<BenchSettings, NetworkProfile, int, CancellationToken, Task<TReport>> run)
        where TReport : BenchReport
    {
        var common = new BenchOptions();
        var profile = new Option<string>("--profile")
        {
            Description = "The link: gprs (35/15 kbps, 1 s RTT), edge, congested-4g, none",
            DefaultValueFactory = _ => "gprs",
        }.AcceptOnlyFromAmong("gprs", "edge", "congested-4g", "none");
        var advisories = BenchOptions.Positive("--advisories", "Advisories in the farmer's district this season (each in two languages)", 300, minimum: 0);
        var command = new Command(name, description) { profile, advisories };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => BenchOutput.RunAsync(parse, common,
            (settings, ct) => run(settings, NetworkProfile.Parse(parse.GetValue(profile)!), parse.GetValue(advisories), ct), cancellationToken));
        return command;
    }

    private static Command BulkLoad()
    {
        var common = new BenchOptions();
        var rows = BenchOptions.Positive("--rows", "Advisory translation rows to load", 100_000);
        var lgd = new Option<DirectoryInfo?>("--lgd") { Description = "The LGD geography folder the importer validates against (default: the nearest shared/data/lgd)" };
        var command = new Command(BulkLoadScenario.Name, "Loading N advisory rows: raw bulk path, bulk into the synced table, the store's write sessions, the advisory importer") { rows, lgd };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => BenchOutput.RunAsync(parse, common,
            (settings, ct) => BulkLoadScenario.RunAsync(settings, parse.GetValue(rows), parse.GetValue(lgd)?.FullName, ct), cancellationToken));
        return command;
    }
}
