namespace KhetiSahayak.Cli.Simulation;

/// <summary>What the fault proxy did.</summary>
public sealed class FaultCounters
{
    private long _requests;
    private long _cutRequests;
    private long _cutResponses;
    private long _duplicates;

    public long Requests => Interlocked.Read(ref _requests);

    public long CutRequests => Interlocked.Read(ref _cutRequests);

    public long CutResponses => Interlocked.Read(ref _cutResponses);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    internal void Request() => Interlocked.Increment(ref _requests);

    internal void CutRequest() => Interlocked.Increment(ref _cutRequests);

    internal void CutResponse() => Interlocked.Increment(ref _cutResponses);

    internal void Duplicate() => Interlocked.Increment(ref _duplicates);
}
