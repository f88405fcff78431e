using System.CommandLine;
using KhetiSahayak.Cli.Advisories;
using KhetiSahayak.Cli.Bench;
using KhetiSahayak.Cli.Reference;
using KhetiSahayak.Cli.Simulation;

namespace KhetiSahayak.Cli;

/// <summary>
/// The entry point. A named class rather than top-level statements, so that test projects referencing both this
/// tool and the server do not see two global <c>Program</c> types.
/// </summary>
internal static class KhetiProgram
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("kheti: the Kheti Sahayak sync tool");
        var device = new Command("device", "Work with one device database");
        device.Subcommands.Add(DeviceSyncCommand.Create());
        root.Subcommands.Add(device);
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(AdvisoriesCommand.Create());
        root.Subcommands.Add(ReferenceCommand.Create());
        var parse = root.Parse(args);
        return ReferenceCommand.ExitCode(parse, AdvisoriesCommand.ExitCode(parse, await parse.InvokeAsync()));
    }
}
