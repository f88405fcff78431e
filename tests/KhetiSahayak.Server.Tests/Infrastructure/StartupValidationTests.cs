using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Infrastructure;

[TestFixture]
public sealed class StartupValidationTests
{
    [Test]
    public void Start_OutsideDevelopmentWithoutKeys_FailsNamingTheMissingSettings()
    {
        var path = Path.Combine(Path.GetTempPath(), "ks-validation-" + Guid.NewGuid().ToString("N") + ".db");
        using var factory = new KhetiServerFactory("Production", new Dictionary<string, string?> { ["Store:SqlitePath"] = path }, null);

        var error = Assert.Catch(() => factory.StartServer());

        // Which key is reported first depends on which service resolves its options first; either names the setting.
        Assert.That(error!.ToString(), Does.Contain(nameof(OptionsValidationException)).And.Match("Auth:SigningKey|Sync:CursorKey"));
    }

    [Test]
    public void Start_PostgresWithoutConnectionString_Fails()
    {
        using var factory = new KhetiServerFactory("Production", new Dictionary<string, string?>
        {
            ["Store:Provider"] = "postgres",
            ["Auth:SigningKey"] = ServerHost.SigningKey,
            ["Sync:CursorKey"] = ServerHost.CursorKey,
        }, null);

        var error = Assert.Catch(() => factory.StartServer());

        Assert.That(error!.ToString(), Does.Contain("Store:PostgresConnectionString"));
    }
}
