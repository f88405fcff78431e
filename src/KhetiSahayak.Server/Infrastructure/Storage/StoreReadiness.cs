namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>Set once the store is provisioned; the readiness check reports not ready before.</summary>
internal sealed class StoreReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
