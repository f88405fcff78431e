using System.CommandLine;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using Spectre.Console;

namespace KhetiSahayak.Cli;

/// <summary><c>kheti device sync</c>: syncs one device database with a server and prints what moved.</summary>
internal static class DeviceSyncCommand
{
    public static Command Create()
    {
        var server = ServerUrl.Option("The sync server's base URL");
        var db = new Option<FileInfo>("--db") { Description = "The device's SQLite database (created if missing)", Required = true };
        var token = new Option<string>("--token") { Description = "The device's bearer token", Required = true };
        var scope = new Option<string>("--scope") { Description = "Scope name", DefaultValueFactory = _ => "farmer" };
        var version = new Option<int>("--scope-version") { Description = "Scope version", DefaultValueFactory = _ => 1 };
        var scopes = new Option<DirectoryInfo?>("--scopes") { Description = "The sync-scopes folder (found automatically when run inside the repository)" };
        var command = new Command("sync", "Push this device's local changes and pull what changed on the server") { server, db, token, scope, version, scopes };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var set = ScopeFiles.Load(parse.GetValue(scopes)?.FullName);
            var definition = set.Find(parse.GetValue(scope)!, parse.GetValue(version));
            if (definition is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] scope {parse.GetValue(scope)} version {parse.GetValue(version)} is not in the scope files");
                return 2;
            }

            await using var store = await DeviceStore.OpenAsync(parse.GetValue(db)!.FullName, definition, cancellationToken);
            var bearer = parse.GetValue(token)!;
            using var transport = new HttpSyncTransport(
                new HttpSyncTransportOptions
                {
                    BaseAddress = parse.GetValue(server)!,
                    AccessToken = _ => ValueTask.FromResult(bearer),
                    CurrentCursor = store.GetCursorAsync,
                },
                set.Scopes);
            var pendingBefore = await store.CountPendingAsync(cancellationToken);
            SyncReport report;
            try
            {
                report = await AnsiConsole.Status().StartAsync("syncing", async ctx =>
                    await new DeviceSynchronizer(store, transport).SyncAsync(
                        new Progress<SyncProgress>(p => ctx.Status($"pushed {p.Pushed} changes, pulled {p.Pages} pages ({p.Rows} rows)")),
                        cancellationToken));
            }
            catch (SyncProtocolException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the server refused the sync ({ex.Code}): {ex.Message}");
                return 1;
            }
            catch (HttpRequestException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the server could not be reached: {ex.Message}");
                return 1;
            }

            var stats = transport.Stats;
            var table = new Table().AddColumns("what", "count");
            table.AddRow("local changes pushed", $"{report.Pushed} (of {pendingBefore} pending)");
            table.AddRow("applied / conflicts / rejected", $"{report.Applied} / {report.Conflicts} / {report.Rejected}");
            table.AddRow("pages pulled", report.Pages.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("rows written / deleted", $"{report.RowsUpserted} / {report.RowsDeleted}");
            table.AddRow("replacement sync", report.Replacement ? "yes" : "no");
            table.AddRow("HTTP requests (retries)", $"{stats.Requests} ({stats.Retries})");
            table.AddRow("bytes up / down", $"{stats.BytesSent:N0} / {stats.BytesReceived:N0}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
