using System.Net;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

[TestFixture]
public sealed class SyncAuthTests
{
    private const string PullBody = """{"protocol":1,"scopeVersion":1}""";
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync() => _host = await ServerHost.StartAsync(StoreKind.Sqlite);

    [OneTimeTearDown]
    public async Task StopServerAsync() => await _host.DisposeAsync();

    [Test]
    public async Task Pull_NoToken_Returns401TokenMissing()
    {
        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, token: null);

        Assert.Multiple(async () =>
        {
            Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Unauthorized, "application/problem+json", "token_missing", null)).Using<Problem>(Same));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Pull_ExpiredToken_Returns401TokenExpired()
    {
        var farmer = SyncHarness.FarmerPrincipal(Guid.CreateVersion7(), Guid.CreateVersion7());
        var issuer = new TokenIssuer(Options.Create(new AuthOptions { SigningKey = ServerHost.SigningKey }), TimeProvider.System);
        var token = issuer.Issue(farmer.UserId, farmer.Role, farmer.DeviceId, farmer.FarmerId, DateTimeOffset.UtcNow.AddHours(-3), TimeSpan.FromHours(1));

        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, token);

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Unauthorized, "application/problem+json", "token_expired", null)).Using<Problem>(Same));
    }

    [TestCase("a-different-key-that-is-long-enough-0123456789", "kheti-sahayak", TestName = "Pull_TokenSignedWithAnotherKey_Returns401TokenInvalid")]
    [TestCase(ServerHost.SigningKey, "someone-else", TestName = "Pull_TokenFromAnotherIssuer_Returns401TokenInvalid")]
    public async Task Pull_ForgedToken_Returns401TokenInvalid(string key, string issuerName)
    {
        var farmer = SyncHarness.FarmerPrincipal(Guid.CreateVersion7(), Guid.CreateVersion7());
        var forger = new TokenIssuer(Options.Create(new AuthOptions { SigningKey = key, Issuer = issuerName }), TimeProvider.System);
        var token = forger.Issue(farmer.UserId, farmer.Role, farmer.DeviceId, farmer.FarmerId, TimeSpan.FromHours(1));

        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, token);

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Unauthorized, "application/problem+json", "token_invalid", null)).Using<Problem>(Same));
    }

    [Test]
    public async Task Pull_GarbageToken_Returns401TokenInvalid()
    {
        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, "not.a.jwt");

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Unauthorized, "application/problem+json", "token_invalid", null)).Using<Problem>(Same));
    }

    [Test]
    public async Task Pull_TokenWithoutDevice_Returns403ClaimsMissing()
    {
        var farmer = SyncHarness.FarmerPrincipal(Guid.CreateVersion7(), Guid.Empty);

        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, _host.Token(farmer));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem, Is.EqualTo(new Problem(HttpStatusCode.Forbidden, "application/problem+json", "claims_missing", null)).Using<Problem>(Same));
            Assert.That(problem.Detail, Does.Contain("device_id"));
        });
    }

    [Test]
    public async Task Pull_FarmerTokenWithoutFarmer_Returns403ClaimsMissing()
    {
        var principal = new KhetiSahayak.Sync.Engine.SyncPrincipal(Guid.CreateVersion7(), "farmer", Guid.CreateVersion7(), null);

        using var response = await _host.PostAsync("sync/v1/farmer/pull", PullBody, _host.Token(principal));

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Forbidden, "application/problem+json", "claims_missing", null)).Using<Problem>(Same));
    }

    private static bool Same(Problem a, Problem b) => a.Status == b.Status && a.Code == b.Code && a.ContentType == b.ContentType;
}
