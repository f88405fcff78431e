using System.CommandLine;
using KhetiSahayak.Cli;
using KhetiSahayak.Cli.Simulation;

var root = new RootCommand("kheti: the Kheti Sahayak sync tool");
var device = new Command("device", "Work with one device database");
device.Subcommands.Add(DeviceSyncCommand.Create());
root.Subcommands.Add(device);
root.Subcommands.Add(SimulateCommand.Create());
return await root.Parse(args).InvokeAsync();
