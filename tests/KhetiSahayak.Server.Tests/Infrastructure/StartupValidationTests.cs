using System.Diagnostics;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Infrastructure;

/// <summary>
/// Starts the real server process the way an operator does and checks it refuses to run with missing settings,
/// naming them. A separate process, not WebApplicationFactory: when the host fails to start, the factory sometimes
/// reports an ObjectDisposedException from its own deferred host instead of the server's error (a race in the test
/// host), which hid the message this test is about.
/// </summary>
[TestFixture]
public sealed class StartupValidationTests
{
    [Test]
    public async Task Start_OutsideDevelopmentWithoutKeys_FailsNamingTheMissingSettings()
    {
        var path = Path.Combine(Path.GetTempPath(), "ks-validation-" + Guid.NewGuid().ToString("N") + ".db");

        var (exitCode, output) = await RunServerAsync(new Dictionary<string, string>
        {
            ["Store__SqlitePath"] = path,
        });

        Assert.That(exitCode, Is.Not.Zero, output);
        // Which key is reported first depends on which service resolves its options first; either names the setting.
        Assert.That(output, Does.Contain("OptionsValidationException").And.Match("Auth:SigningKey|Sync:CursorKey"));
    }

    [Test]
    public async Task Start_PostgresWithoutConnectionString_Fails()
    {
        var (exitCode, output) = await RunServerAsync(new Dictionary<string, string>
        {
            ["Store__Provider"] = "postgres",
            ["Auth__SigningKey"] = ServerHost.SigningKey,
            ["Sync__CursorKey"] = ServerHost.CursorKey,
        });

        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("Store:PostgresConnectionString"));
    }

    private static async Task<(int ExitCode, string Output)> RunServerAsync(IReadOnlyDictionary<string, string> environment)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "KhetiSahayak.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(serverDll);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server kept running although required settings are missing:\n" + await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }
}
