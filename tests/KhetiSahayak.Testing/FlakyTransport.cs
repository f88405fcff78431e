using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Testing;

/// <summary>
/// Wraps a transport and loses responses at random, after the server did the work: a push that applied but whose
/// answer never arrived, a page sent but never received. Counts requests and delivered rows.
/// </summary>
public sealed class FlakyTransport(ISyncTransport inner, double failureRate, int seed) : ISyncTransport
{
    private readonly Random _random = new(seed);
    private readonly object _gate = new();

    /// <summary>The chance that a response is lost; set to 0 to heal the link.</summary>
    public double FailureRate { get; set; } = failureRate;

    public int Requests { get; private set; }

    public int PullFailures { get; private set; }

    public int PushFailures { get; private set; }

    public int PulledRowsDelivered { get; private set; }

    private bool Fail()
    {
        lock (_gate)
        {
            Requests++;
            return _random.NextDouble() < FailureRate;
        }
    }

    public async Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
    {
        var response = await inner.PushAsync(scope, scopeVersion, mutations, cancellationToken);
        if (Fail())
        {
            PushFailures++;
            throw new IOException("connection lost before the push response arrived");
        }

        return response;
    }

    public async Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        var response = await inner.PullAsync(scope, scopeVersion, cursor, cancellationToken);
        var rows = response.Changes.Sum(c => c.Upserts.Count + c.Deletes.Count);
        PulledRowsDelivered += rows;
        if (Fail())
        {
            PullFailures++;
            throw new IOException("connection lost mid-page");
        }

        return response;
    }
}
