using System.Diagnostics;
using System.Reflection;
using KhetiSahayak.Server.Infrastructure.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KhetiSahayak.Cli.Bench.Hosting;

/// <summary>
/// The real server (its own Program.cs, middleware and options) running inside this process on Kestrel at 127.0.0.1
/// on a free port. Its entry point runs on a dedicated thread with configuration passed as command-line arguments; the
/// built host is caught through the "Microsoft.Extensions.Hosting" diagnostic events, as WebApplicationFactory does,
/// so the bench can reach its services (store, token issuer, metrics) and stop it.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly IHost _host;
    private readonly Task _exited;

    private BenchServer(IHost host, Task exited, Uri address)
    {
        _host = host;
        _exited = exited;
        Address = address;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the server with <paramref name="settings"/> (configuration keys such as <c>Store:Provider</c>).</summary>
    public static async Task<BenchServer> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = typeof(TokenIssuer).Assembly;
        var entryPoint = assembly.EntryPoint ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point");
        var contentRoot = AppContext.BaseDirectory;
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["environment"] = "Bench",
            ["contentRoot"] = contentRoot,
            ["applicationName"] = assembly.GetName().Name!,
            ["urls"] = "http://127.0.0.1:0",
        };

        // The server logs JSON lines to stdout; a bench's stdout carries only its own report. Silence every category
        // the server's appsettings name, and the default.
        foreach (var category in LoggingCategories(contentRoot, "Bench"))
        {
            all["Logging:LogLevel:" + category] = "None";
        }

        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var args = all.Select(kv => "--" + kv.Key + "=" + kv.Value).ToArray();
        var built = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }

                exited.TrySetResult();
            }
            catch (TargetInvocationException ex)
            {
                exited.TrySetException(ex.InnerException ?? ex);
            }
            catch (Exception ex)
            {
                exited.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "kheti-bench-server",
        };

        using (new HostCapture(thread, built))
        {
            thread.Start();
            var first = await Task.WhenAny(built.Task, exited.Task, Task.Delay(StartTimeout, cancellationToken));
            if (first != built.Task)
            {
                await first;
                throw new TimeoutException("the server did not build its host in time");
            }
        }

        var host = await built.Task;
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            var first = await Task.WhenAny(started.Task, exited.Task, Task.Delay(StartTimeout, cancellationToken));
            if (first != started.Task)
            {
                await first;
                throw new TimeoutException("the server did not start in time");
            }
        }

        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the server reports no address");
        return new BenchServer(host, exited.Task, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A valid access token for a farmer on a device, signed with the server's own key.</summary>
    public string FarmerToken(Guid farmerId, Guid deviceId) =>
        Services.GetRequiredService<TokenIssuer>().Issue(farmerId, SyncClaims.FarmerRole, deviceId, farmerId, TimeSpan.FromHours(12));

    public async ValueTask DisposeAsync()
    {
        _host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromSeconds(30)));
    }

    private static IEnumerable<string> LoggingCategories(string contentRoot, string environment)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .Build();
        return configuration.GetSection("Logging:LogLevel").GetChildren().Select(c => c.Key).Append("Default").Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Catches the host built on one thread (the server's), ignoring hosts other threads build meanwhile.</summary>
    private sealed class HostCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly Thread _thread;
        private readonly TaskCompletionSource<IHost> _built;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly IDisposable _all;

        public HostCapture(Thread thread, TaskCompletionSource<IHost> built)
        {
            _thread = thread;
            _built = built;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Thread.CurrentThread == _thread && value.Key == "HostBuilt" && value.Value is IHost host)
            {
                _built.TrySetResult(host);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
            {
                foreach (var s in _subscriptions)
                {
                    s.Dispose();
                }
            }
        }
    }
}
