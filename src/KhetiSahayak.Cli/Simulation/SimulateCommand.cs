using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace KhetiSahayak.Cli.Simulation;

/// <summary><c>kheti simulate</c>: many devices on a bad link, then a check that nothing was lost and nothing diverged.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var server = Cli.ServerUrl.Option("The sync server's base URL (Development, for /dev/token)");
        var devices = new Option<int>("--devices") { Description = "Simulated devices (two per farmer)", DefaultValueFactory = _ => 100 };
        var ops = new Option<int>("--ops") { Description = "Random operations across all devices", DefaultValueFactory = _ => 2000 };
        var faultRate = new Option<double>("--fault-rate") { Description = "Chance per request of a cut or duplicated request", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Random seed (printed; the same seed replays the same operations per worker)", DefaultValueFactory = _ => Environment.TickCount & 0x7fffffff };
        var profile = new Option<string>("--profile") { Description = "Link shaping: none, gprs, edge, congested-4g", DefaultValueFactory = _ => "none" };
        var concurrency = new Option<int>("--concurrency") { Description = "Devices acting at once", DefaultValueFactory = _ => 16 };
        var workDir = new Option<DirectoryInfo?>("--work-dir") { Description = "Where device databases go (default: a new temp folder)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var scopes = new Option<DirectoryInfo?>("--scopes") { Description = "The sync-scopes folder" };
        var command = new Command("simulate", "Run simulated devices through a fault-injecting proxy and check convergence")
        {
            server, devices, ops, faultRate, seed, profile, concurrency, workDir, json, scopes,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimulationOptions(
                parse.GetValue(server)!,
                parse.GetValue(devices),
                parse.GetValue(ops),
                parse.GetValue(faultRate),
                parse.GetValue(seed),
                NetworkProfile.Parse(parse.GetValue(profile)!),
                parse.GetValue(workDir)?.FullName ?? Path.Combine(Path.GetTempPath(), "kheti-sim-" + Guid.NewGuid().ToString("N")))
            {
                Concurrency = parse.GetValue(concurrency),
            };
            if (options.Devices < 1 || options.Operations < 0 || options.FaultRate is < 0 or > 1)
            {
                Console.Error.WriteLine("error: --devices must be at least 1, --ops at least 0, and --fault-rate between 0 and 1");
                return 2;
            }

            var simulator = new Simulator(options, Cli.ScopeFiles.Load(parse.GetValue(scopes)?.FullName));
            SimulationReport report;
            if (parse.GetValue(json))
            {
                report = await simulator.RunAsync(null, cancellationToken);
                Console.WriteLine(JsonSerializer.Serialize(report));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"seed [bold]{options.Seed}[/], {options.Devices} devices, {options.Operations} operations, fault rate {options.FaultRate}, link {options.Profile.Name}");
                report = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("operations", maxValue: Math.Max(1, options.Operations));
                        var r = await simulator.RunAsync(new Progress<(int Done, int Total)>(p => task.Value = p.Done), cancellationToken);
                        task.Value = task.MaxValue;
                        return r;
                    });
                var table = new Table().AddColumns("figure", "value");
                foreach (var property in typeof(SimulationReport).GetProperties())
                {
                    table.AddRow(property.Name, Convert.ToString(property.GetValue(report), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine(report.LostWrites == 0 && report.DivergedRows == 0 ? "[green]converged: no lost writes, no diverged rows[/]" : "[red]NOT converged[/]");
            }

            if (!Directory.Exists(parse.GetValue(workDir)?.FullName ?? string.Empty))
            {
                try
                {
                    Directory.Delete(options.WorkDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // Leaving device files behind is harmless.
                }
            }

            return report.LostWrites == 0 && report.DivergedRows == 0 ? 0 : 1;
        });
        return command;
    }
}
