using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Tests.Engine;

[TestFixture]
public sealed class CursorProtectorTests
{
    private static readonly SyncCursor Sample = new("farmer", 1, Guid.CreateVersion7(), "10", null, "{}", null, PullPhase.Delta, 0, 0, string.Empty);

    [Test]
    public void Unprotect_WhatWasProtected_RoundTrips()
    {
        var protector = new CursorProtector(new byte[32]);

        Assert.That(protector.Unprotect(protector.Protect(Sample)), Is.EqualTo(Sample));
    }

    [TestCase("")]
    [TestCase("no-dot")]
    [TestCase("e30.AAAA")]
    [TestCase("!!!.???")]
    public void Unprotect_Garbage_CursorInvalid(string token)
    {
        var ex = Assert.Throws<SyncProtocolException>(() => new CursorProtector(new byte[32]).Unprotect(token));
        Assert.That(ex!.Code, Is.EqualTo(SyncErrorCodes.CursorInvalid));
    }

    [Test]
    public void Unprotect_SignedWithAnotherKey_CursorInvalid()
    {
        var other = new CursorProtector(Enumerable.Repeat((byte)7, 32).ToArray()).Protect(Sample);

        var ex = Assert.Throws<SyncProtocolException>(() => new CursorProtector(new byte[32]).Unprotect(other));
        Assert.That(ex!.Code, Is.EqualTo(SyncErrorCodes.CursorInvalid));
    }

    [Test]
    public void Constructor_ShortKey_Refused() =>
        Assert.Throws<ArgumentException>(() => _ = new CursorProtector(new byte[8]));
}
