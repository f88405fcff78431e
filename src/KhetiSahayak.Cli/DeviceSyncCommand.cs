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
        var snapshot = new Option<string?>("--snapshot")
        {
            Description = "On an empty device, first install from the district snapshot DISTRICT/LANGUAGE (e.g. 481/mr-IN), then sync",
        };
        snapshot.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !TryParseSnapshot(value, out _, out _))
            {
                result.AddError($"--snapshot '{value}' is not DISTRICT/LANGUAGE, e.g. 481/mr-IN");
            }
        });
        var command = new Command("sync", "Push this device's local changes and pull what changed on the server") { server, db, token, scope, version, scopes, snapshot };
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
            SnapshotInstallResult? install = null;
            if (parse.GetValue(snapshot) is { } wanted && TryParseSnapshot(wanted, out var district, out var language))
            {
                using var downloader = new SnapshotDownloader(new HttpSyncTransportOptions { BaseAddress = parse.GetValue(server)!, AccessToken = _ => ValueTask.FromResult(bearer) });
                var downloads = parse.GetValue(db)!.FullName + ".snapshot-download";
                try
                {
                    install = await AnsiConsole.Status().StartAsync("installing the snapshot", _ =>
                        new SnapshotInstaller(store, downloader).InstallAsync(district, language, downloads, cancellationToken));
                    if (Directory.Exists(downloads) && !Directory.EnumerateFileSystemEntries(downloads).Any())
                    {
                        Directory.Delete(downloads);
                    }
                }
                catch (Exception ex) when (ex is SyncProtocolException or HttpRequestException or IOException or InvalidDataException or TimeoutException)
                {
                    // An ordinary first sync is always correct; a partial download stays for the next try.
                    AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] no snapshot ({ex.Message}); syncing without it");
                }
            }

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
            if (install is not null)
            {
                table.AddRow("snapshot", install.Installed ? $"{install.Rows:N0} rows, {install.SnapshotBytes:N0} bytes ({install.BytesTransferred:N0} downloaded now)" : "skipped: the device is not empty");
            }

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

    private static bool TryParseSnapshot(string value, out long district, out string language)
    {
        var parts = value.Split('/');
        language = parts.Length == 2 ? parts[1] : string.Empty;
        district = 0;
        return parts.Length == 2 && language.Length > 0
            && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out district);
    }
}
