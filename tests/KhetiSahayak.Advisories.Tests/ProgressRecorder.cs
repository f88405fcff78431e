namespace KhetiSahayak.Advisories.Tests;

/// <summary>An <see cref="IProgress{T}"/> that records synchronously (Progress&lt;T&gt; would post to a context) and can run a probe.</summary>
internal sealed class ProgressRecorder<T>(Action<T>? probe = null) : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value)
    {
        Reports.Add(value);
        probe?.Invoke(value);
    }
}
