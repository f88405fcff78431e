using System.Collections.Concurrent;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store that notes every answer of <see cref="IServerWriteSession.TryInsertAllNewAsync"/>, and signals the first
/// call as it starts. Everything goes to the real store's own paths.
/// </summary>
internal sealed class InsertAllNewProbeStore(IServerStore inner) : DelegatingServerStore(inner)
{
    private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a write session first tries to insert a batch as all new.</summary>
    public Task FirstCall => _firstCall.Task;

    public ConcurrentQueue<bool> Answers { get; } = new();

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await Inner.BeginWriteAsync(cancellationToken), this);

    private sealed class Session(IServerWriteSession inner, InsertAllNewProbeStore probe) : DelegatingWriteSession(inner)
    {
        public override async Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken)
        {
            probe._firstCall.TrySetResult();
            var answer = await Inner.TryInsertAllNewAsync(sets, cancellationToken);
            probe.Answers.Enqueue(answer);
            return answer;
        }
    }
}
