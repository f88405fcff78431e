using KhetiSahayak.Advisories.Reference;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>
/// The reference data imports validate against: the crop catalog (embedded, always there) and the LGD directory,
/// loaded at start by <see cref="AdvisoryReferenceLoader"/>; null when its folder is missing or unreadable.
/// </summary>
internal sealed class AdvisoryReference
{
    private volatile LgdDirectory? _lgd;

    public CropCatalog Crops { get; } = CropCatalog.LoadDefault();

    public LgdDirectory? Lgd => _lgd;

    public void SetLgd(LgdDirectory lgd) => _lgd = lgd;
}
