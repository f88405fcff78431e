using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// Counts the write sessions open at once (now and at most), to prove how many batches an import writes side by side
/// and that none is left open when it returns or throws. Optionally holds the first commit until a second session
/// opens (or the time runs out), so a store that can run two gets the chance to.
/// </summary>
internal sealed class SessionProbeStore(IServerStore inner, TimeSpan? holdFirstCommitFor = null) : DelegatingServerStore(inner)
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _secondOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;
    private int _mostOpen;
    private int _commits;

    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    public int MostOpen
    {
        get
        {
            lock (_gate)
            {
                return _mostOpen;
            }
        }
    }

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var session = await Inner.BeginWriteAsync(cancellationToken);
        lock (_gate)
        {
            _open++;
            _mostOpen = Math.Max(_mostOpen, _open);
            if (_open >= 2)
            {
                _secondOpened.TrySetResult();
            }
        }

        return new Session(session, this);
    }

    private async Task BeforeCommitAsync()
    {
        if (holdFirstCommitFor is { } hold && Interlocked.Increment(ref _commits) == 1)
        {
            await Task.WhenAny(_secondOpened.Task, Task.Delay(hold));
        }
    }

    private void Closed()
    {
        lock (_gate)
        {
            _open--;
        }
    }

    private sealed class Session(IServerWriteSession inner, SessionProbeStore probe) : DelegatingWriteSession(inner)
    {
        private bool _closed;

        public override async Task CommitAsync(CancellationToken cancellationToken)
        {
            await probe.BeforeCommitAsync();
            await Inner.CommitAsync(cancellationToken);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (!_closed)
            {
                _closed = true;
                probe.Closed();
            }
        }
    }
}
