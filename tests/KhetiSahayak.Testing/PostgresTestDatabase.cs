using Npgsql;
using NUnit.Framework;

namespace KhetiSahayak.Testing;

/// <summary>
/// A fresh, uniquely named PostgreSQL database on the cluster named by <c>KHETI_TEST_POSTGRES</c>,
/// dropped again when disposed.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding the admin connection string (set by <c>infra/test.sh</c>).</summary>
    public const string EnvironmentVariable = "KHETI_TEST_POSTGRES";

    private const string DatabasePrefix = "ks_test_";

    private readonly string _adminConnectionString;
    private int _disposed;

    private PostgresTestDatabase(string adminConnectionString, string databaseName, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        DatabaseName = databaseName;
        ConnectionString = connectionString;
    }

    /// <summary>
    /// The admin connection string from <c>KHETI_TEST_POSTGRES</c>, or <see langword="null"/> when it is not set.
    /// </summary>
    public static string? AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }

    /// <summary>The name of the database created for this test.</summary>
    public string DatabaseName { get; }

    /// <summary>A connection string pointing at the database created for this test.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Creates a new empty database; fails the test on CI and ignores it elsewhere when PostgreSQL is not configured.
    /// </summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The created database; dispose it to drop the database.</returns>
    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var admin = AdminConnectionString ?? ReportMissingConfiguration();

        var databaseName = DatabasePrefix + Guid.NewGuid().ToString("N");
        await ExecuteAdminAsync(admin, $"CREATE DATABASE \"{databaseName}\"", cancellationToken);

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = databaseName };
        return new PostgresTestDatabase(admin, databaseName, builder.ConnectionString);
    }

    /// <summary>Clears the connection pool for this database and drops it, closing any connections still open.</summary>
    /// <returns>A task that completes once the database is dropped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAdminAsync(
            _adminConnectionString,
            $"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)",
            CancellationToken.None);
    }

    private static string ReportMissingConfiguration()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{EnvironmentVariable} is not set: run the tests through infra/test.sh");
        }

        Assert.Ignore("PostgreSQL not configured; run infra/test.sh");
        throw new InvalidOperationException("unreachable: Assert.Ignore always throws");
    }

    private static async Task ExecuteAdminAsync(string adminConnectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
