using System.Text;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>
/// The bulk path's own binary COPY encoder (<see cref="BinaryCopyWriter"/>) against Npgsql's parameter binding: the
/// same values written both ways must read back identical, for every column type of the catalog, at chunk
/// boundaries and beyond a chunk; a value it cannot encode must fail the whole set. Text is given as strings and as
/// <see cref="Utf8Text"/> (the importer's titles and bodies), which the parameter path takes as its string.
/// </summary>
[TestFixture]
public sealed class BinaryCopyWriterTests
{
    private PostgresTestDatabase? _db;
    private PostgresServerStore? _store;
    private TableCatalog? _catalog;

    private PostgresServerStore Store => _store ?? throw new InvalidOperationException("no store");

    private TableCatalog Catalog => _catalog ?? throw new InvalidOperationException("no catalog");

    [SetUp]
    public async Task SetUp()
    {
        _db = await PostgresTestDatabase.CreateAsync();
        _store = new PostgresServerStore(_db.ConnectionString);
        var scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);
        await _store.ProvisionAsync(scopes, CancellationToken.None);
        _catalog = scopes.Catalog;
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    /// <summary>soil_test has uuid, text, JSON, date, real and boolean columns; advisory has integer and timestamp ones.</summary>
    [TestCase("soil_test")]
    [TestCase("advisory")]
    [TestCase("advisory_translation")]
    public async Task RandomRows_ReadBackAsTheParameterPathStoresThem(string tableName)
    {
        var seed = Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (table {tableName})");
        var random = new Random(seed);
        var table = Catalog[tableName];
        var bulk = Enumerable.Range(0, 300).Select(_ => RandomRow(table, random)).ToList();
        Assert.That(BinaryCopyWriter.Supports(table, bulk), Is.True, "the rows must take the encoder's path");

        // The same values under other keys, written one parameterized upsert at a time.
        var single = bulk.Select(r => WithKey(table, r, Guid.NewGuid())).ToList();
        await using (var session = await Store.BeginWriteAsync(CancellationToken.None))
        {
            await session.InsertNewManyAsync(table, bulk, CancellationToken.None);
            foreach (var row in single)
            {
                await session.UpsertAsync(table, row, CancellationToken.None);
            }

            await session.CommitAsync(CancellationToken.None);
        }

        var stored = (await Store.ReadRowsAsync(table, null, null, CancellationToken.None)).ToDictionary(r => (Guid)r.Values[table.KeyOrdinal]!);
        for (var i = 0; i < bulk.Count; i++)
        {
            var viaCopy = stored[(Guid)bulk[i][table.KeyOrdinal]!].Values;
            var viaParameters = stored[(Guid)single[i][table.KeyOrdinal]!].Values;
            for (var c = 0; c < table.Columns.Count; c++)
            {
                if (c != table.KeyOrdinal)
                {
                    Assert.That(viaCopy[c], Is.EqualTo(viaParameters[c]), $"seed {seed}, row {i}, column {table.Columns[c].Name}");
                }
            }
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RowsAcrossManyChunksAndATextLargerThanAChunk_AreStoredWhole(bool asUtf8)
    {
        var table = Catalog["advisory_translation"];
        var huge = string.Concat(Enumerable.Repeat("धान की फसल 🌾 \"quoted\" \\ ", 6_000));
        Assert.That(Encoding.UTF8.GetByteCount(huge), Is.GreaterThan(2 * BinaryCopyWriter.ChunkSize));
        var texts = Utf8TextBuffer.Unpooled();
        object Body(string text) => asUtf8 ? texts.TryAdd(Encoding.UTF8.GetBytes(text))! : text;
        var rows = Enumerable.Range(0, 2_000).Select(i => Translation(table, Body(i == 1_000 ? huge : "सोयाबीन " + i))).ToList();
        rows.Insert(0, Translation(table, Body(huge)));
        Assert.That(BinaryCopyWriter.Supports(table, rows), Is.True, "the rows must take the encoder's path");

        await using (var session = await Store.BeginWriteAsync(CancellationToken.None))
        {
            Assert.That(await session.InsertNewManyAsync(table, rows, CancellationToken.None), Is.EqualTo(rows.Count));
            await session.CommitAsync(CancellationToken.None);
        }

        var stored = (await Store.ReadRowsAsync(table, null, null, CancellationToken.None)).ToDictionary(r => (Guid)r.Values[table.KeyOrdinal]!);
        Assert.That(stored, Has.Count.EqualTo(rows.Count));
        var body = table.Ordinal("body");
        foreach (var row in rows)
        {
            Assert.That(stored[(Guid)row[table.KeyOrdinal]!].Values[body], Is.EqualTo(row[body]!.ToString()));
        }
    }

    [Test]
    public async Task ALoneSurrogate_FailsTheSetAndStoresNoneOfIt()
    {
        var table = Catalog["advisory_translation"];
        var rows = Enumerable.Range(0, 500).Select(i => Translation(table, "ठीक " + i)).ToList();
        rows[400] = Translation(table, "broken \uD800 text");

        await using (var session = await Store.BeginWriteAsync(CancellationToken.None))
        {
            Assert.That(async () => await session.InsertNewManyAsync(table, rows, CancellationToken.None), Throws.InstanceOf<ArgumentException>());
        }

        Assert.That(await Store.ReadRowsAsync(table, null, null, CancellationToken.None), Is.Empty);

        // The connection went back to the pool in a usable state.
        await using (var session = await Store.BeginWriteAsync(CancellationToken.None))
        {
            await session.InsertNewManyAsync(table, rows.Take(10).ToList(), CancellationToken.None);
            await session.CommitAsync(CancellationToken.None);
        }

        Assert.That(await Store.ReadRowsAsync(table, null, null, CancellationToken.None), Has.Count.EqualTo(10));
    }

    [Test]
    public async Task ExtremeDatesAndTimestamps_TakeNpgsqlsPathAndReadBackAsItStoresThem()
    {
        var soil = Catalog["soil_test"];
        var advisory = Catalog["advisory"];
        var soilRow = RandomRow(soil, new Random(1));
        soilRow[soil.Ordinal("sampled_on")] = DateOnly.MaxValue;
        var advisoryRow = RandomRow(advisory, new Random(2));
        advisoryRow[advisory.Ordinal("valid_to")] = DateTimeOffset.MaxValue;
        Assert.That(BinaryCopyWriter.Supports(soil, [soilRow]), Is.False);
        Assert.That(BinaryCopyWriter.Supports(advisory, [advisoryRow]), Is.False);

        var soilSingle = WithKey(soil, soilRow, Guid.NewGuid());
        var advisorySingle = WithKey(advisory, advisoryRow, Guid.NewGuid());
        await using (var session = await Store.BeginWriteAsync(CancellationToken.None))
        {
            await session.InsertNewManyAsync(soil, [soilRow], CancellationToken.None);
            await session.InsertNewManyAsync(advisory, [advisoryRow], CancellationToken.None);
            await session.UpsertAsync(soil, soilSingle, CancellationToken.None);
            await session.UpsertAsync(advisory, advisorySingle, CancellationToken.None);
            await session.CommitAsync(CancellationToken.None);
        }

        foreach (var (table, bulk, single) in new[] { (soil, soilRow, soilSingle), (advisory, advisoryRow, advisorySingle) })
        {
            var stored = (await Store.ReadRowsAsync(table, null, null, CancellationToken.None)).ToDictionary(r => (Guid)r.Values[table.KeyOrdinal]!);
            var a = stored[(Guid)bulk[table.KeyOrdinal]!].Values;
            var b = stored[(Guid)single[table.KeyOrdinal]!].Values;
            Assert.That(a.Where((_, i) => i != table.KeyOrdinal), Is.EqualTo(b.Where((_, i) => i != table.KeyOrdinal)), table.Name);
        }
    }

    [Test]
    public void Supports_AValueOfAnotherTypeThanItsColumn_IsLeftToNpgsql()
    {
        var table = Catalog["advisory"];
        var row = RandomRow(table, new Random(3));
        Assert.That(BinaryCopyWriter.Supports(table, [row]), Is.True);
        row[table.Ordinal("version")] = 7;
        Assert.That(BinaryCopyWriter.Supports(table, [row]), Is.False);
        row[table.Ordinal("version")] = 7L;
        row[table.Ordinal("issued_at")] = DateTime.UtcNow;
        Assert.That(BinaryCopyWriter.Supports(table, [row]), Is.False);
    }

    private static object?[] Translation(TableDefinition table, object body)
    {
        var row = new object?[table.Columns.Count];
        row[table.KeyOrdinal] = Guid.NewGuid();
        row[table.Ordinal("advisory_id")] = Guid.NewGuid();
        row[table.Ordinal("lang")] = "hi-IN";
        row[table.Ordinal("title")] = "शीर्षक";
        row[table.Ordinal("body")] = body;
        row[table.Ordinal("district_codes")] = "[481]";
        row[table.Ordinal("block_codes")] = "[]";
        row[table.Ordinal("crop_codes")] = "[\"SOYBEAN\"]";
        row[table.Ordinal("status")] = "published";
        return row;
    }

    private static object?[] WithKey(TableDefinition table, object?[] row, Guid key)
    {
        var copy = (object?[])row.Clone();
        copy[table.KeyOrdinal] = key;
        return copy;
    }

    /// <summary>
    /// A value of the column's type for every column (a nullable one is null one time in five); text is a string or,
    /// one time in two, a <see cref="Utf8Text"/>.
    /// </summary>
    private static object?[] RandomRow(TableDefinition table, Random random)
    {
        var texts = Utf8TextBuffer.Unpooled();
        object TextValue(string text) => random.Next(2) == 0 ? text : texts.TryAdd(Encoding.UTF8.GetBytes(text))!;
        var row = new object?[table.Columns.Count];
        for (var i = 0; i < row.Length; i++)
        {
            var column = table.Columns[i];
            if (i != table.KeyOrdinal && column.Nullable && random.Next(5) == 0)
            {
                continue;
            }

            row[i] = column.Type switch
            {
                ColumnType.Uuid => Guid.NewGuid(),
                ColumnType.Integer => random.Next(3) switch { 0 => long.MinValue + random.Next(10), 1 => long.MaxValue - random.Next(10), _ => random.NextInt64(-1_000_000, 1_000_000) },
                ColumnType.Real => random.Next(4) switch { 0 => -0.0, 1 => double.Epsilon, 2 => double.MaxValue, _ => (random.NextDouble() - 0.5) * 1e6 },
                ColumnType.Boolean => random.Next(2) == 0,
                ColumnType.Date => DateOnly.FromDayNumber(random.Next(DateOnly.MinValue.DayNumber + 1, DateOnly.MaxValue.DayNumber)),
                ColumnType.Timestamp => new DateTimeOffset(random.NextInt64(new DateTime(1, 1, 2).Ticks, new DateTime(9999, 12, 30).Ticks), TimeSpan.FromMinutes(30 * random.Next(-24, 28))),
                ColumnType.Json => TextValue("{\"hi\":\"" + RandomText(random) + "\",\"n\":" + random.Next() + "}"),
                _ => TextValue(RandomText(random)),
            };
        }

        return row;
    }

    /// <summary>Latin, Devanagari, emoji (surrogate pairs), quotes, backslashes, tabs and newlines; no NUL (PostgreSQL text refuses it).</summary>
    private static string RandomText(Random random)
    {
        string[] pieces = ["a", "Z", " ", "\"", "\\", "\t", "\n", "क", "ा", "्", "ष", "म", "🌾", "😀", "é", "₹", "\u200D"];
        var length = random.Next(0, 300);
        var text = new StringBuilder(length * 2);
        for (var i = 0; i < length; i++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }
}
