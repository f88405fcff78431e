using System.ComponentModel.DataAnnotations;
using KhetiSahayak.Server.Features.Sync;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>The Sync section's host settings as start-up validates them (ValidateDataAnnotations + ValidateOnStart).</summary>
public sealed class SyncHostOptionsTests
{
    [TestCase(-1)]
    [TestCase(12)]
    public void BrotliQuality_OutsideZeroToEleven_IsRefusedNamingTheSetting(int quality)
    {
        var errors = Validate(new SyncHostOptions { CursorKey = ServerHost.CursorKey, BrotliQuality = quality });

        Assert.That(errors.SelectMany(e => e.MemberNames), Is.EqualTo(new[] { nameof(SyncHostOptions.BrotliQuality) }));
    }

    [TestCase(0)]
    [TestCase(11)]
    public void BrotliQuality_ZeroToEleven_IsAccepted(int quality) =>
        Assert.That(Validate(new SyncHostOptions { CursorKey = ServerHost.CursorKey, BrotliQuality = quality }), Is.Empty);

    [Test]
    public void BrotliQuality_Default_IsThree() =>
        Assert.That(new SyncHostOptions().BrotliQuality, Is.EqualTo(3));

    private static List<ValidationResult> Validate(SyncHostOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        return errors;
    }
}
