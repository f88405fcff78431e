using System.Diagnostics;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// Counts the database commands the in-process server runs, and their time, through Npgsql's activity source (one
/// activity per command). Only PostgreSQL reports here; Microsoft.Data.Sqlite has no such source.
/// </summary>
internal sealed class DbCommandMeter : IDisposable
{
    private const string SourceName = "Npgsql";

    private readonly ActivityListener _listener;
    private long _commands;
    private long _ticks;

    public DbCommandMeter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                if (activity.Kind == ActivityKind.Client)
                {
                    Interlocked.Increment(ref _commands);
                    Interlocked.Add(ref _ticks, activity.Duration.Ticks);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public long Commands => Interlocked.Read(ref _commands);

    /// <summary>Time from sending each command to its completion, summed over commands (they overlap in time).</summary>
    public TimeSpan CommandTime => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Reset()
    {
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _ticks, 0);
    }

    public void Dispose() => _listener.Dispose();
}
