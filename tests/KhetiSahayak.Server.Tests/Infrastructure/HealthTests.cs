using System.Net;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Infrastructure;

[TestFixture]
public sealed class HealthTests
{
    [TestCase("health/live")]
    [TestCase("health/ready")]
    public async Task Health_StartedServer_IsHealthy(string path)
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);

        using var response = await host.RawClient().GetAsync(path);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
        });
    }

    [TestCase("GET", "no/such/route", 404, "not_found")]
    [TestCase("GET", "sync/v1/farmer/pull", 405, "method_not_allowed")]
    public async Task Request_NoMatchingEndpoint_ReturnsProblemWithCode(string method, string path, int status, string code)
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);

        using var response = await host.RawClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That((int)problem.Status, Is.EqualTo(status));
            Assert.That(problem.ContentType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.Code, Is.EqualTo(code));
        });
    }
}
