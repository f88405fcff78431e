using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.Sqlite.Tests;

/// <summary>
/// The pull's statement-level reader must give exactly the values <see cref="SqliteDataReader"/> with
/// <see cref="SqliteValues.Read(ColumnType, System.Data.Common.DbDataReader, int)"/> gives, for every storage class a
/// cell can have, including the odd ones a hand-edited file can hold.
/// </summary>
[TestFixture]
public sealed class SqliteChangeReaderTests
{
    private string _path = string.Empty;
    private SyncHarness? _harness;

    private SyncHarness H => _harness ?? throw new InvalidOperationException("no harness");

    [SetUp]
    public async Task SetUp()
    {
        _path = Path.Combine(Path.GetTempPath(), "ks-reader-" + Guid.NewGuid().ToString("N") + ".db");
        _harness = await SyncHarness.CreateAsync(new SqliteServerStore(_path));
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [TestCase("soil_test", "soil_test_id, farmer_id, source, shc_number, sampled_on, ph, ec_ds_m, ratings, is_locked, _version, _deleted",
        "'11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222', 'he said \"hi\" \\ back\\slash', char(1, 9, 10, 13, 31), '2026-06-01', 0.1, 5, '{\"mr\":\"कापूस\",\"q\":\"\\\"x\\\"\"}', 1, 3, 0",
        "'33333333-3333-3333-3333-333333333333', '22222222-2222-2222-2222-222222222222', 'कीड नियंत्रण 🌾', CAST(x'41ff42c3' AS TEXT), NULL, -0.0, 1e308, NULL, 2, 4, 0",
        "'44444444-4444-4444-4444-444444444444', '22222222-2222-2222-2222-222222222222', '', x'00ff', NULL, '2.5', '7', '[]', 0, 5, 0",
        "'55555555-5555-5555-5555-555555555555', '22222222-2222-2222-2222-222222222222', 'gone', NULL, NULL, NULL, NULL, NULL, 0, 6, 1")]
    [TestCase("advisory", "advisory_id, version, source_type, category, severity, crop_codes, stage_codes, district_codes, block_codes, issued_at, valid_from, valid_to, status, primary_lang, _version, _deleted",
        "'66666666-6666-6666-6666-666666666666', 3.0, 'KVK', 'pest', 'warning', '[\"SOYBEAN\"]', '[]', '[481]', '[]', '2026-06-01T03:30:00.123456Z', '2026-06-01T00:00:00.000000Z', '2026-06-30T23:59:59.999999Z', 'published', 'mr-IN', 7, 0",
        "'77777777-7777-7777-7777-777777777777', 3.5, 'KVK', 'pest', 'advisory', '[\"ALL\"]', '[]', '[481]', '[4436]', '2026-06-01T03:30:00.000000Z', '2026-06-01T00:00:00.000000Z', '2026-06-30T23:59:59.999999Z', 'published', 'hi-IN', 8, 0")]
    public async Task Read_EdgeValuesOfEveryStorageClass_MatchesTheDataReader(string tableName, string columns, params string[] rows)
    {
        await using (var conn = new SqliteConnection("Data Source=" + _path))
        {
            await conn.OpenAsync();
            foreach (var row in rows)
            {
                await using var insert = conn.CreateCommand();
                insert.CommandText = $"INSERT INTO \"{tableName}\" ({columns}) VALUES ({row})";
                await insert.ExecuteNonQueryAsync();
            }
        }

        var table = H.Catalog[tableName];
        var sql = $"SELECT t.\"{table.Key}\", t._version, t._deleted, {string.Join(", ", table.Columns.Select(c => "t.\"" + c.Name + "\""))} FROM \"{tableName}\" t WHERE t._version > @from ORDER BY t._version, t.\"{table.Key}\"";
        var parameters = new Dictionary<string, object?> { ["from"] = 0L };

        var expected = new List<ChangeRow>();
        List<ChangeRow> actual;
        await using (var conn = new SqliteConnection("Data Source=" + _path))
        {
            await conn.OpenAsync();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.Parameters.AddWithValue("@from", 0L);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var key = ((Guid)SqliteValues.Read(ColumnType.Uuid, reader, 0)!).ToString();
                    if (reader.GetBoolean(2))
                    {
                        expected.Add(new ChangeRow(key, reader.GetInt64(1), true, null));
                        continue;
                    }

                    expected.Add(new ChangeRow(key, reader.GetInt64(1), false, table.Columns.Select((c, i) => SqliteValues.Read(c.Type, reader, 3 + i)).ToArray()));
                }
            }

            actual = SqliteChangeReader.Read(conn, sql, parameters, table, withValues: true, text: null, CancellationToken.None);
            using var text = new Utf8TextBuffer();
            var utf8 = SqliteChangeReader.Read(conn, sql, parameters, table, withValues: true, text, CancellationToken.None);
            AssertStandsForTheStrings(utf8, actual, table);
        }

        Assert.That(actual, Has.Count.EqualTo(rows.Length));
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.That((actual[r].Key, actual[r].Version, actual[r].Deleted), Is.EqualTo((expected[r].Key, expected[r].Version, expected[r].Deleted)), $"row {r}");
            Assert.That(actual[r].Values is null, Is.EqualTo(expected[r].Values is null), $"row {r}");
            for (var i = 0; expected[r].Values is { } values && i < values.Length; i++)
            {
                Assert.That(actual[r].Values![i]?.GetType(), Is.EqualTo(values[i]?.GetType()), $"row {r}, {table.Columns[i].Name}");
                Assert.That(actual[r].Values![i], Is.EqualTo(values[i]), $"row {r}, {table.Columns[i].Name}");
            }
        }
    }

    [Test]
    public async Task Read_TextStoredAsInvalidUtf8_DecodesWithReplacementCharacters()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436);
        var id = Guid.CreateVersion7();
        await H.ServerUpsertAsync("soil_test", SoilTest(id, farmer, "ok", false));
        await using (var conn = new SqliteConnection("Data Source=" + _path))
        {
            await conn.OpenAsync();
            await using var update = conn.CreateCommand();
            update.CommandText = "UPDATE soil_test SET source = CAST(x'41ff42' AS TEXT) WHERE soil_test_id = @id";
            update.Parameters.AddWithValue("@id", id.ToString("D"));
            await update.ExecuteNonQueryAsync();
        }

        var page = await H.Engine.PullAsync(FarmerPrincipal(farmer, Guid.CreateVersion7()), "farmer", 1, null, CancellationToken.None);

        var row = page.Changes.Single(c => c.Table == "soil_test").Upserts.Single();
        Assert.That(row.Values[H.Catalog["soil_test"].Ordinal("source")], Is.EqualTo("A\uFFFDB"));
    }

    [Test]
    public async Task Pull_TextNeedingEscapes_ArrivesUnchangedThroughThePageJson()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436);
        string[] texts =
        [
            "he said \"hi\"",
            "back\\slash \\u0041 not an escape",
            "\u0001\t\n\r\u001f\u007f controls",
            "कीड नियंत्रण: फवारणी करा",
            "🌾 <b>&amp;</b> '",
            string.Empty,
            "\u2028\u2029 separators",
        ];
        var ids = new List<Guid>();
        for (var i = 0; i < texts.Length; i++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            var values = SoilTest(id, farmer, texts[i], i % 2 == 0);
            values["ph"] = i == 0 ? 0.1 : i == 1 ? -0.0 : i == 2 ? 1e308 : i == 3 ? 6.75 : null;
            values["ratings"] = i == 3 ? "{\"mr\":\"उच्च\",\"q\":\"\\\"x\\\"\"}" : null;
            values["sampled_on"] = i == 4 ? new DateOnly(2026, 6, 1) : null;
            await H.ServerUpsertAsync("soil_test", values);
        }

        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        var table = H.Catalog["soil_test"];
        var decoded = new Dictionary<Guid, object?[]>();
        string? cursor = null;
        bool more;
        do
        {
            var page = await H.Engine.PullAsync(principal, "farmer", 1, cursor, CancellationToken.None);
            cursor = page.Cursor;
            more = page.HasMore;
            using var doc = JsonDocument.Parse(PageJson(page));
            foreach (var changes in doc.RootElement.GetProperty("changes").EnumerateArray().Where(c => c.GetProperty("table").GetString() == "soil_test"))
            {
                var cols = changes.GetProperty("columns").EnumerateArray().Select(c => table.Columns[table.Ordinal(c.GetString()!)]).ToArray();
                foreach (var row in changes.GetProperty("rows").EnumerateArray())
                {
                    var cells = row.EnumerateArray().Skip(1).ToArray();
                    var values = new object?[cols.Length];
                    for (var i = 0; i < cols.Length; i++)
                    {
                        Assert.That(ValueCodec.TryFromJson(cols[i], cells[i], out values[i]), Is.True, cols[i].Name);
                    }

                    decoded[(Guid)values[table.KeyOrdinal]!] = values;
                }
            }
        }
        while (more);

        Assert.That(decoded.Keys, Is.EquivalentTo(ids));
        for (var i = 0; i < texts.Length; i++)
        {
            var values = decoded[ids[i]];
            Assert.That(values[table.Ordinal("source")], Is.EqualTo(texts[i]), $"text {i}");
            Assert.That(values[table.Ordinal("is_locked")], Is.EqualTo(i % 2 == 0));
            Assert.That(values[table.Ordinal("shc_number")], Is.Null);
        }

        Assert.That(decoded[ids[0]][table.Ordinal("ph")], Is.EqualTo(0.1));
        Assert.That(decoded[ids[2]][table.Ordinal("ph")], Is.EqualTo(1e308));
        Assert.That(decoded[ids[3]][table.Ordinal("ratings")], Is.EqualTo("{\"mr\":\"उच्च\",\"q\":\"\\\"x\\\"\"}"));
        Assert.That(decoded[ids[4]][table.Ordinal("sampled_on")], Is.EqualTo(new DateOnly(2026, 6, 1)));
        Assert.That(decoded[ids[5]][table.Ordinal("ph")], Is.Null);
    }

    [Test]
    public async Task Pull_WithUtf8TextBuffer_WritesTheSamePageJsonByteForByte()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436);
        string[] texts =
        [
            "he said \"hi\"",
            "back\\slash \\u0041 not an escape",
            "\u0000\u0001\b\f\t\n\r\u001f\u007f\u0080\u009f controls",
            "कीड नियंत्रण: फवारणी करा। ०१२३ क़ ड़्",
            "🌾😀👩‍🌾 <b>&amp;</b> ' + ` = /",
            string.Empty,
            "\u2028\u2029\u00ad\u200b\u200d\ufeff\ufffd\ufffe\uffff\ufdd0\u0378 odd code points",
            "\ud800 lone surrogates \udfff",
            "é ñ ß € 中文 𝄞",
            new string('क', 40_000) + "😀",
        ];
        var ids = new List<Guid>();
        for (var i = 0; i < texts.Length; i++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            var values = SoilTest(id, farmer, texts[i], i % 2 == 0);
            values["shc_number"] = i % 3 == 0 ? null : texts[texts.Length - 1 - i];
            values["ratings"] = i switch
            {
                0 => "{\"mr\":\"उच्च\",\"q\":\"\\\"x\\\"\"}",
                1 => "[\"<b>&'+`/\",\"\\u00e9\\u0928\",\"😀\"]",
                2 => "{\"a\":[1.50,true,null,1e5]}",
                _ => null,
            };
            await H.ServerUpsertAsync("soil_test", values);
        }

        // What SQLite can hold that a .NET string cannot: ill-formed UTF-8 (a stray byte, a cut sequence, an overlong
        // NUL, an encoded surrogate), kept as strings with U+FFFD on both paths.
        string[] illFormed = ["41ff42", "41c3", "c080", "eda080", "f4908080"];
        await using (var conn = new SqliteConnection("Data Source=" + _path))
        {
            await conn.OpenAsync();
            for (var i = 0; i < illFormed.Length; i++)
            {
                await using var update = conn.CreateCommand();
                update.CommandText = $"UPDATE soil_test SET source = CAST(x'{illFormed[i]}' AS TEXT) WHERE soil_test_id = @id";
                update.Parameters.AddWithValue("@id", ids[i].ToString("D"));
                await update.ExecuteNonQueryAsync();
            }
        }

        // Pages of about 1 KB, so their boundaries (set by each value's estimated size) are compared too.
        var options = new SyncEngineOptions { PageMaxRows = 100, PageMaxBytes = 1_024 };
        await using var small = await SyncHarness.CreateAsync(new SqliteServerStore(_path), options);
        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        string? stringCursor = null, utf8Cursor = null;
        var pages = 0;
        var sawUtf8 = false;
        bool more;
        do
        {
            var asStrings = await small.Engine.PullAsync(principal, "farmer", 1, stringCursor, CancellationToken.None);
            using var text = new Utf8TextBuffer();
            var asUtf8 = await small.Engine.PullAsync(principal, "farmer", 1, utf8Cursor, text, CancellationToken.None);
            sawUtf8 |= asUtf8.Changes.SelectMany(c => c.Upserts).SelectMany(r => r.Values).Any(v => v is Utf8Text);

            Assert.That(Encoding.UTF8.GetString(PageJson(asUtf8)), Is.EqualTo(Encoding.UTF8.GetString(PageJson(asStrings))), $"page {pages}");
            Assert.That(PageJson(asUtf8), Is.EqualTo(PageJson(asStrings)), $"page {pages}");
            stringCursor = asStrings.Cursor;
            utf8Cursor = asUtf8.Cursor;
            more = asStrings.HasMore;
            Assert.That(asUtf8.HasMore, Is.EqualTo(more));
            pages++;
        }
        while (more);

        Assert.That(sawUtf8, Is.True, "no text came as UTF-8");
        Assert.That(pages, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Utf8Text_AfterItsBufferIsDisposed_CannotBeRead()
    {
        var text = new Utf8TextBuffer();
        var value = text.TryAdd("कीड"u8)!;
        Assert.That(value.ToString(), Is.EqualTo("कीड"));

        text.Dispose();

        Assert.That(() => value.ToString(), Throws.TypeOf<ObjectDisposedException>());
    }

    /// <summary>Each value read with a buffer is the string read without one, or a <see cref="Utf8Text"/> of it.</summary>
    private static void AssertStandsForTheStrings(List<ChangeRow> utf8, List<ChangeRow> strings, TableDefinition table)
    {
        Assert.That(utf8, Has.Count.EqualTo(strings.Count));
        for (var r = 0; r < strings.Count; r++)
        {
            Assert.That((utf8[r].Key, utf8[r].Version, utf8[r].Deleted), Is.EqualTo((strings[r].Key, strings[r].Version, strings[r].Deleted)), $"row {r}");
            for (var i = 0; strings[r].Values is { } values && i < values.Length; i++)
            {
                var value = utf8[r].Values![i];
                if (value is Utf8Text t)
                {
                    Assert.That(values[i], Is.TypeOf<string>(), $"row {r}, {table.Columns[i].Name}");
                    Assert.That(t.ToString(), Is.EqualTo(values[i]), $"row {r}, {table.Columns[i].Name}");
                    Assert.That(t.Utf16Length, Is.EqualTo(((string)values[i]!).Length), $"row {r}, {table.Columns[i].Name}");
                }
                else
                {
                    Assert.That(value, Is.EqualTo(values[i]), $"row {r}, {table.Columns[i].Name}");
                }
            }
        }
    }

    private byte[] PageJson(PullResponse page)
    {
        // The server's writer options (SyncWireResult): Indic text unescaped, HTML-sensitive characters escaped.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) }))
        {
            writer.WriteStartObject();
            foreach (var _ in PullPageJson.WriteProperties(writer, H.Farmer, page))
            {
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static Dictionary<string, object?> SoilTest(Guid id, Guid farmer, string source, bool locked) => new()
    {
        ["soil_test_id"] = id,
        ["farmer_id"] = farmer,
        ["source"] = source,
        ["is_locked"] = locked,
    };
}
