using System.Globalization;
using Npgsql;

namespace KhetiSahayak.Cli.Bench.Hosting;

/// <summary>
/// The bench's own server database: a new SQLite file in the work folder, or a new database on the PostgreSQL
/// cluster the admin connection string points at; removed again on dispose.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;

    private BenchDatabase(BenchStore store, string? sqlitePath, string? adminConnectionString, string? databaseName, string? connectionString)
    {
        Store = store;
        SqlitePath = sqlitePath;
        _adminConnectionString = adminConnectionString;
        DatabaseName = databaseName;
        ConnectionString = connectionString;
    }

    public BenchStore Store { get; }

    /// <summary>The server's SQLite file (SQLite store only).</summary>
    public string? SqlitePath { get; }

    /// <summary>The created PostgreSQL database (PostgreSQL store only).</summary>
    public string? DatabaseName { get; }

    /// <summary>A connection string to the created PostgreSQL database (PostgreSQL store only).</summary>
    public string? ConnectionString { get; }

    /// <summary>The server configuration that selects this database.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings => Store == BenchStore.Postgres
        ? new Dictionary<string, string> { ["Store:Provider"] = "postgres", ["Store:PostgresConnectionString"] = ConnectionString! }
        : new Dictionary<string, string> { ["Store:Provider"] = "sqlite", ["Store:SqlitePath"] = SqlitePath! };

    public static async Task<BenchDatabase> CreateAsync(BenchStore store, string workDirectory, string? adminConnectionString, CancellationToken cancellationToken)
    {
        if (store == BenchStore.Sqlite)
        {
            return new BenchDatabase(store, Path.Combine(workDirectory, "server.db"), null, null, null);
        }

        if (string.IsNullOrWhiteSpace(adminConnectionString))
        {
            throw new ArgumentException("the postgres store needs a connection string", nameof(adminConnectionString));
        }

        var name = "kheti_bench_" + Guid.NewGuid().ToString("N")[..16];
        await ExecAsync(adminConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        return new BenchDatabase(store, null, adminConnectionString, name, builder.ConnectionString);
    }

    /// <summary>Runs one statement on the bench database (PostgreSQL only).</summary>
    public async Task ExecAsync(string sql, CancellationToken cancellationToken) =>
        await ExecAsync(ConnectionString ?? throw new InvalidOperationException("not a PostgreSQL database"), sql, cancellationToken);

    /// <summary>
    /// PostgreSQL: a CHECKPOINT before a timed load, so no load pays for writing out the one before it (without one, the
    /// same raw COPY of the importer's rows swung 2.2-3.7 s between runs). Skipped where the role may not checkpoint.
    /// SQLite: nothing.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (Store != BenchStore.Postgres)
        {
            return;
        }

        try
        {
            await ExecAsync("CHECKPOINT", cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Not superuser nor pg_checkpoint: loads then share the cluster's background writes, as in production.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Store == BenchStore.Postgres && _adminConnectionString is not null && DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await ExecAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", CancellationToken.None);
            }
            catch (NpgsqlException ex)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warning: could not drop bench database {DatabaseName}: {ex.Message}"));
            }
        }
    }

    private static async Task ExecAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
