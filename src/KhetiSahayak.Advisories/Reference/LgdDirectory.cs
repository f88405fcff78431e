using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// LGD (Local Government Directory) states, districts and blocks, keyed by code. Loaded from the ministry's CSV dumps
/// (<c>states.csv</c>, <c>districts.csv</c>, <c>blocks.csv</c>); names are never used as keys.
/// </summary>
/// <remarks>
/// The dumps have odd headers ("Block Name " with a trailing space, "State Name" twice), so columns are found by
/// trimmed, case-insensitive header and only the code columns are read. A few blocks are listed under two districts
/// (blocks that straddle a district boundary, e.g. in Assam), so a block maps to a set of districts.
/// </remarks>
public sealed class LgdDirectory
{
    private readonly HashSet<long> _states;
    private readonly Dictionary<long, long> _districtState;
    private readonly Dictionary<long, long[]> _blockDistricts;
    private readonly Dictionary<long, long[]> _stateDistricts;
    private readonly Dictionary<long, long[]> _districtBlocks;

    private LgdDirectory(HashSet<long> states, Dictionary<long, long> districtState, Dictionary<long, long[]> blockDistricts)
    {
        _states = states;
        _districtState = districtState;
        _blockDistricts = blockDistricts;
        _stateDistricts = districtState.GroupBy(d => d.Value).ToDictionary(g => g.Key, g => g.Select(d => d.Key).Order().ToArray());
        _districtBlocks = blockDistricts.SelectMany(b => b.Value.Select(d => (District: d, Block: b.Key)))
            .GroupBy(x => x.District).ToDictionary(g => g.Key, g => g.Select(x => x.Block).Order().ToArray());
    }

    public int StateCount => _states.Count;

    public int DistrictCount => _districtState.Count;

    public int BlockCount => _blockDistricts.Count;

    /// <summary>Loads <c>states.csv</c>, <c>districts.csv</c> and <c>blocks.csv</c> from a folder.</summary>
    public static async Task<LgdDirectory> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        await using var states = File.OpenRead(Path.Combine(directory, "states.csv"));
        await using var districts = File.OpenRead(Path.Combine(directory, "districts.csv"));
        await using var blocks = File.OpenRead(Path.Combine(directory, "blocks.csv"));
        return await LoadAsync(states, districts, blocks, cancellationToken);
    }

    /// <summary>Loads the three dumps from streams; inconsistent files (a district of an unknown state, a non-numeric code) throw <see cref="InvalidDataException"/>.</summary>
    public static async Task<LgdDirectory> LoadAsync(Stream states, Stream districts, Stream blocks, CancellationToken cancellationToken)
    {
        var stateCodes = new HashSet<long>();
        await ReadAsync(states, "states.csv", ["state code"], row => stateCodes.Add(row[0]), cancellationToken);

        var districtState = new Dictionary<long, long>();
        await ReadAsync(districts, "districts.csv", ["state code", "district code"], row =>
        {
            if (!stateCodes.Contains(row[0]))
            {
                throw new InvalidDataException($"districts.csv: district {row[1]} names unknown state {row[0]}");
            }

            if (districtState.TryGetValue(row[1], out var existing) && existing != row[0])
            {
                throw new InvalidDataException($"districts.csv: district {row[1]} is listed under states {existing} and {row[0]}");
            }

            districtState[row[1]] = row[0];
        }, cancellationToken);

        var blockDistricts = new Dictionary<long, List<long>>();
        await ReadAsync(blocks, "blocks.csv", ["district code", "block code"], row =>
        {
            if (!districtState.ContainsKey(row[0]))
            {
                throw new InvalidDataException($"blocks.csv: block {row[1]} names unknown district {row[0]}");
            }

            if (!blockDistricts.TryGetValue(row[1], out var list))
            {
                blockDistricts[row[1]] = list = [];
            }

            if (!list.Contains(row[0]))
            {
                list.Add(row[0]);
            }
        }, cancellationToken);

        return new LgdDirectory(stateCodes, districtState, blockDistricts.ToDictionary(b => b.Key, b => b.Value.Order().ToArray()));
    }

    public bool StateExists(long code) => _states.Contains(code);

    public bool DistrictExists(long code) => _districtState.ContainsKey(code);

    public bool BlockExists(long code) => _blockDistricts.ContainsKey(code);

    /// <summary>The state a district belongs to, or null for an unknown district.</summary>
    public long? StateOfDistrict(long district) => _districtState.TryGetValue(district, out var s) ? s : null;

    /// <summary>The districts a block is listed under (usually one; empty for an unknown block).</summary>
    public IReadOnlyList<long> DistrictsOfBlock(long block) => _blockDistricts.TryGetValue(block, out var d) ? d : [];

    public bool IsBlockInDistrict(long block, long district) => _blockDistricts.TryGetValue(block, out var d) && d.Contains(district);

    /// <summary>Every district of a state in this snapshot, ascending (empty for an unknown state).</summary>
    public IReadOnlyList<long> DistrictsOfState(long state) => _stateDistricts.TryGetValue(state, out var d) ? d : [];

    /// <summary>Every block listed under a district, ascending (empty for an unknown district).</summary>
    public IReadOnlyList<long> BlocksOfDistrict(long district) => _districtBlocks.TryGetValue(district, out var b) ? b : [];

    private static async Task ReadAsync(Stream stream, string file, string[] columns, Action<long[]> onRow, CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = null,
        };
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var csv = new CsvReader(text, config);
        if (!await csv.ReadAsync())
        {
            throw new InvalidDataException($"{file}: empty file");
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var indexes = columns.Select(c => Array.FindIndex(header, h => Normalize(h) == c)).ToArray();
        for (var i = 0; i < columns.Length; i++)
        {
            if (indexes[i] < 0)
            {
                throw new InvalidDataException($"{file}: no '{columns[i]}' column (header: {string.Join(", ", header)})");
            }
        }

        var values = new long[columns.Length];
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < columns.Length; i++)
            {
                var raw = csv.GetField(indexes[i])?.Trim();
                if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
                {
                    throw new InvalidDataException($"{file}: row {csv.Parser.Row}: '{columns[i]}' is not a code: '{raw}'");
                }
            }

            onRow(values);
        }
    }

    private static string Normalize(string header) => string.Join(' ', header.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
}
