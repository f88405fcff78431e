using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Server.Tests;

/// <summary>A store that a test can hold inside a pull (to fill the concurrency limit) or make fail.</summary>
internal sealed class GatedStore(IServerStore inner, GatedStore.Gate gate) : DelegatingServerStore(inner)
{
    public override async Task<string> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return await Inner.GetWatermarkAsync(cancellationToken);
    }

    /// <summary>Open by default; closed, it holds callers until opened; failing, it throws.</summary>
    internal sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _closed;
        private Exception? _failure;

        public Task Entered => _entered.Task;

        public void Close() => _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _closed?.TrySetResult();

        public void Fail(Exception failure) => _failure = failure;

        public async Task PassAsync(CancellationToken cancellationToken)
        {
            if (_failure is { } failure)
            {
                throw failure;
            }

            if (_closed is { } closed)
            {
                _entered.TrySetResult();
                await closed.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
