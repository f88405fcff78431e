using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Infrastructure.Storage;

internal static class StoreExtensions
{
    /// <summary>The scopes, the configured server store, and their provisioning at start.</summary>
    public static IHostApplicationBuilder AddSyncStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => ScopeLoader.LoadDirectory(
            ScopeDirectory.Find(sp.GetRequiredService<IOptions<SyncHostOptions>>().Value.ScopesPath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        builder.Services.AddSingleton<IServerStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            return options.Provider == StoreOptions.Postgres
                ? new PostgresServerStore(options.PostgresConnectionString!)
                : new SqliteServerStore(Path.GetFullPath(options.SqlitePath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        });
        builder.Services.AddSingleton<StoreReadiness>();
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddHostedService<TombstonePurge>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [StoreHealthCheck.ReadyTag]);
        return builder;
    }
}
