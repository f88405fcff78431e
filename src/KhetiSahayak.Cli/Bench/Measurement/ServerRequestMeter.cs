using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// The server's own view of its requests: ASP.NET Core's <c>http.server.request.duration</c> measurements (status
/// code and seconds), taken only from the bench server's meters, not from any other host in the process (the fault
/// proxy is one).
/// </summary>
internal sealed class ServerRequestMeter : IDisposable
{
    private const string MeterName = "Microsoft.AspNetCore.Hosting";
    private const string InstrumentName = "http.server.request.duration";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(int Status, double Milliseconds)> _requests = new();

    public ServerRequestMeter(IServiceProvider serverServices)
    {
        var scope = serverServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var status = 0;
            foreach (var tag in tags)
            {
                if (tag.Key == "http.response.status_code" && tag.Value is not null)
                {
                    status = Convert.ToInt32(tag.Value, CultureInfo.InvariantCulture);
                }
            }

            _requests.Enqueue((status, seconds * 1000));
        });
        _listener.Start();
    }

    /// <summary>Forgets what was measured so far (setup traffic).</summary>
    public void Reset() => _requests.Clear();

    /// <summary>Everything measured since the last reset.</summary>
    public IReadOnlyList<(int Status, double Milliseconds)> Requests => [.. _requests];

    public void Dispose() => _listener.Dispose();
}
