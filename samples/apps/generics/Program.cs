using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using GenericsLib;

namespace Generics.App;

/// <summary>FNV-1a over everything the sample computes; printed at the end.</summary>
internal static class Checksum
{
    private static ulong s_hash = 14695981039346656037UL;

    public static void Add(string s)
    {
        foreach (char c in s)
        {
            s_hash ^= c;
            s_hash *= 1099511628211UL;
        }
        s_hash ^= 0xFF;
        s_hash *= 1099511628211UL;
    }

    public static void Add(long v) => Add(v.ToString(CultureInfo.InvariantCulture));
    public static void Add(double v) => Add(v.ToString("R", CultureInfo.InvariantCulture));
    public static string Value => s_hash.ToString("x16", CultureInfo.InvariantCulture);
}

public static class Program
{
    // String literals: short, long, non-ASCII (Latin-1 range, CJK, Cyrillic, astral plane emoji).
    private const string Short = "a";
    private const string NonAscii = "Grüße, 世界! Привет, мир! Ελληνικά — “quotes” 🌍🚀 é";
    private const string Long =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et " +
        "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex " +
        "ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat " +
        "nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit " +
        "anim id est laborum. Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque " +
        "laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae " +
        "dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit, sed quia " +
        "consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem " +
        "ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut " +
        "labore et dolore magnam aliquam quaerat voluptatem. AOTSIZE-LONG-LITERAL-END";

    private static void Report(string section, string value)
    {
        Checksum.Add(section);
        Checksum.Add(value);
        Console.WriteLine(section + ": " + value);
    }

    public static async Task<int> Main()
    {
        BoxesOverManyTypes();
        BagsAndEnumerators();
        NestedGenerics();
        DictionariesWithStructs();
        OuterInner();
        InterfacesAndUnboxingStubs();
        GenericVirtualMethods();
        GenericStatics();
        Algorithms();
        await AsyncOverStructs();
        LinqOverStructs();
        ArraysOfStructs();
        PointersAndFunctionPointers();
        LambdasAndLocalFunctions();
        StaticConstructors();
        Strings();
        LibraryTypes();
        TuplesNullablesExceptions();

        Console.WriteLine("checksum: " + Checksum.Value);
        return 0;
    }

    // -----------------------------------------------------------------------

    private static void BoxesOverManyTypes()
    {
        var sb = new StringBuilder();
        // Primitives.
        sb.Append(new Box<int>(1).Get()).Append(',');
        sb.Append(new Box<long>(2L).Get()).Append(',');
        sb.Append(new Box<byte>(3).Get()).Append(',');
        sb.Append(new Box<char>('c').Get()).Append(',');
        sb.Append(new Box<bool>(true).Get()).Append(',');
        sb.Append(new Box<double>(0.5).Get().ToString("R", CultureInfo.InvariantCulture)).Append(',');
        sb.Append(new Box<decimal>(1.25m).Get().ToString(CultureInfo.InvariantCulture)).Append(',');
        sb.Append(new Box<nint>(7).Get()).Append(',');
        sb.Append(new Box<string>("str").Get()).Append(',');
        // Enums.
        sb.Append(new Box<Color>(Color.Green).Get()).Append(',');
        sb.Append(new Box<Magnitude>(Magnitude.Large).Get()).Append(',');
        sb.Append(new Box<Access>(Access.Read | Access.Write).Get()).Append(',');
        // User structs.
        sb.Append(new Box<Tiny>(new Tiny(4)).Get()).Append(',');
        sb.Append(new Box<MyStruct>(new MyStruct(5, 1.5f)).Get()).Append(',');
        sb.Append(new Box<Pair16>(new Pair16(6, 7)).Get()).Append(',');
        sb.Append(new Box<LargeStruct>(LargeStruct.Make(8)).Get().Sum).Append(',');
        sb.Append(new Box<RefStruct>(new RefStruct("r", 9)).Get()).Append(',');
        sb.Append(new Box<LargeRefStruct>(new LargeRefStruct("lr", 10)).Get().Arr.Length).Append(',');
        sb.Append(new Box<MyKey>(new MyKey(11, "k")).Get()).Append(',');
        sb.Append(new Box<MyValue>(new MyValue(1.5, 12, "n")).Get()).Append(',');
        sb.Append(new Box<Money>(new Money(1234)).Get()).Append(',');
        // User classes and records.
        sb.Append(new Box<Animal>(new Dog("rex")).Get().Speak()).Append(',');
        sb.Append(new Box<Dog>(new Dog("fido")).Get().Speak()).Append(',');
        sb.Append(new Box<Person>(new Person("ann", 30)).Get().Name).Append(',');
        // Map changes the type argument.
        sb.Append(new Box<MyStruct>(new MyStruct(1, 2f)).Map(s => new Pair16(s.X, (long)s.Y)).Get()).Append(',');
        sb.Append(new Box<LargeStruct>(LargeStruct.Make(3)).Map(l => new RefStruct("sum", (int)l.Sum)).Get());
        Report("boxes", sb.ToString());
    }

    private static void BagsAndEnumerators()
    {
        var ints = new Bag<int>();
        var structs = new Bag<MyStruct>();
        var large = new Bag<LargeRefStruct>();
        var animals = new Bag<Animal>();
        var colors = new Bag<Color>();
        for (int i = 0; i < 10; i++)
        {
            ints.Add(i * i);
            structs.Add(new MyStruct(i, i / 4f));
            large.Add(new LargeRefStruct("L" + i.ToString(CultureInfo.InvariantCulture), i));
            animals.Add(i % 2 == 0 ? new Dog("d" + i.ToString(CultureInfo.InvariantCulture)) : new Cat("c" + i.ToString(CultureInfo.InvariantCulture)));
            colors.Add((Color)(i % 3 + 1));
        }
        long total = 0;
        foreach (int v in ints) total += v;
        foreach (MyStruct s in structs) total += s.X;
        foreach (LargeRefStruct l in large) total += l.D + l.Arr.Length;
        foreach (Color c in colors) total += (byte)c;
        // Through the interface (boxed struct enumerator).
        IEnumerable<Animal> asEnumerable = animals;
        var speech = string.Join(";", asEnumerable.Select(a => a.Speak()));
        Report("bags", total.ToString(CultureInfo.InvariantCulture) + " " + speech);
    }

    private static void NestedGenerics()
    {
        var nested = new List<Dictionary<MyKey, KeyValuePair<int, MyStruct>>>();
        for (int i = 0; i < 4; i++)
        {
            var d = new Dictionary<MyKey, KeyValuePair<int, MyStruct>>();
            for (int j = 0; j < 3; j++)
                d[new MyKey(i * 10 + j, "n" + j.ToString(CultureInfo.InvariantCulture))] =
                    new KeyValuePair<int, MyStruct>(j, new MyStruct(i, j));
            nested.Add(d);
        }
        long sum = 0;
        foreach (var d in nested)
            foreach (var kv in d)
                sum += kv.Key.Id + kv.Value.Key + kv.Value.Value.X;

        var deeper = new Dictionary<string, List<Dictionary<Color, Tiny[]>>>(StringComparer.Ordinal)
        {
            ["x"] = new() { new() { [Color.Red] = new[] { new Tiny(1), new Tiny(2) } } },
        };
        sum += deeper["x"][0][Color.Red][1].A;

        var stackOfQueues = new Stack<Queue<(MyKey Key, LargeStruct Big)>>();
        var q = new Queue<(MyKey, LargeStruct)>();
        q.Enqueue((new MyKey(1, "q"), LargeStruct.Make(2)));
        stackOfQueues.Push(q);
        sum += stackOfQueues.Peek().Peek().Big.Sum;

        var linked = new LinkedList<Box<Outer<int>.Inner<string>>>();
        linked.AddLast(new Box<Outer<int>.Inner<string>>(new Outer<int>.Inner<string>(5, "five")));
        Report("nested", sum.ToString(CultureInfo.InvariantCulture) + " " + linked.First!.Value.Get());
    }

    private static void DictionariesWithStructs()
    {
        var dict = new Dictionary<MyKey, MyValue>();
        for (int i = 0; i < 20; i++)
            dict[new MyKey(i, "key" + i.ToString(CultureInfo.InvariantCulture))] = new MyValue(i * 1.5, i, i % 4 == 0 ? null : "v");
        dict.Remove(new MyKey(3, "key3"));
        bool found = dict.TryGetValue(new MyKey(7, "key7"), out MyValue seven);

        var sorted = new SortedDictionary<MyKey, LargeStruct>();
        foreach (var k in dict.Keys) sorted[k] = LargeStruct.Make(k.Id);

        var byPair = new Dictionary<Pair16, Color>();
        for (int i = 0; i < 6; i++) byPair[new Pair16(i, -i)] = (Color)(i % 3 + 1);

        var set = new HashSet<MyKey>(dict.Keys);
        var immutable = ImmutableDictionary.CreateRange(dict.Where(kv => kv.Key.Id < 5));
        var concurrent = new ConcurrentDictionary<MyKey, LargeRefStruct>();
        foreach (var k in set.OrderBy(k => k.Id).Take(5))
            concurrent.TryAdd(k, new LargeRefStruct(k.Name, k.Id));
        var sortedSet = new SortedSet<Money>(new[] { new Money(5), new Money(1), new Money(3) });

        var sb = new StringBuilder();
        sb.Append(dict.Count).Append(' ').Append(found).Append(' ').Append(seven).Append(' ');
        sb.Append(sorted.First().Key).Append(' ').Append(sorted.Last().Value.Sum).Append(' ');
        sb.Append(byPair[new Pair16(4, -4)]).Append(' ');
        sb.Append(immutable.Count).Append(' ').Append(concurrent.Count).Append(' ');
        sb.Append(string.Join(",", sortedSet));
        Report("dicts", sb.ToString());
    }

    private static void OuterInner()
    {
        var a = new Outer<int>(1).Pair("one");
        var b = new Outer<string>("two").Pair(new MyStruct(2, 2f));
        var c = new Outer<MyKey>(new MyKey(3, "three")).Pair(LargeStruct.Make(3).Sum);
        var d = new Outer<LargeStruct>(LargeStruct.Make(4)).Pair(Color.Blue);
        Outer<Color>.Inner<Outer<int>.Inner<Tiny>> e = new(Color.Red, new Outer<int>.Inner<Tiny>(5, new Tiny(5)));
        string deeper = Outer<Pair16>.Deeper<RefStruct>.Show(new Pair16(1, 2), new RefStruct("x", 3));
        Report("outer-inner", a + " " + b + " " + c + " " + d.Second + " " + e + " " + deeper);
    }

    private static void InterfacesAndUnboxingStubs()
    {
        // Boxed struct implementations called through the interface -> unboxing stubs.
        var shapes = new List<IShape<double>> { new Square(2), new Circle(1), new Rect<double>(2, 3), new Square(0.5) };
        double total = 0;
        var sb = new StringBuilder();
        foreach (IShape<double> s in shapes)
        {
            total += s.Area();
            sb.Append(s.Describe()).Append(';');
        }
        IShape<int> ri = new Rect<int>(3, 4);
        IShape<long> rl = new Rect<long>(5, 6);
        IShape<decimal> rd = new Rect<decimal>(1.5m, 2m);

        // Constrained calls, no boxing (specialized per struct).
        total += Algo.MeasureConstrained<Square, double>(new Square(3));
        total += Algo.MeasureConstrained<Rect<int>, int>(new Rect<int>(7, 8));
        total += (double)Algo.MeasureConstrained<Rect<decimal>, decimal>(new Rect<decimal>(0.5m, 4m));

        // Generic virtual method on an interface implemented by a struct, called boxed and constrained.
        IConverter conv = new LoggingConverter();
        string s1 = conv.Convert<int, string>(42, i => "n" + i.ToString(CultureInfo.InvariantCulture));
        MyStruct s2 = conv.Convert<Pair16, MyStruct>(new Pair16(1, 2), p => new MyStruct((int)p.A, p.B));
        var direct = new LoggingConverter();
        LargeStruct s3 = direct.Convert<long, LargeStruct>(9, LargeStruct.Make);

        // Equality/comparison interfaces on structs via EqualityComparer<T>.Default / Comparer<T>.Default.
        bool eq = EqualityComparer<Pair16>.Default.Equals(new Pair16(1, 1), new Pair16(1, 1));
        int cmp = Comparer<MyKey>.Default.Compare(new MyKey(1, "a"), new MyKey(1, "b"));

        Report("interfaces", total.ToString("R", CultureInfo.InvariantCulture) + " " + sb + ri.Area() + " " + rl.Area() + " " +
            rd.Area().ToString(CultureInfo.InvariantCulture) + " " + s1 + " " + s2 + " " + s3.Sum + " " +
            ((LoggingConverter)conv).Calls + " " + eq + " " + cmp);
    }

    private static void GenericVirtualMethods()
    {
        Visitor[] visitors = { new CountingVisitor(), new TracingVisitor() };
        var sb = new StringBuilder();
        foreach (Visitor v in visitors)
        {
            int a = v.Visit<string, int>("hello", s => s.Length);
            long b = v.Visit<MyStruct, long>(new MyStruct(3, 4f), s => s.X * 100L);
            Pair16 c = v.Visit<LargeStruct, Pair16>(LargeStruct.Make(2), l => new Pair16(l.A, l.H));
            string d = v.Visit<Color, string>(Color.Blue, c2 => c2.ToString());
            MyValue e = v.Visit<MyKey, MyValue>(new MyKey(1, "k"), k => new MyValue(k.Id, k.Id, k.Name));
            Animal f = v.Visit<Dog, Animal>(new Dog("gv"), dog => dog);
            sb.Append(v.Name).Append(':').Append(a).Append(',').Append(b).Append(',').Append(c).Append(',')
              .Append(d).Append(',').Append(e).Append(',').Append(f.Speak()).Append(';');
        }
        sb.Append(((CountingVisitor)visitors[0]).Count).Append(' ');
        sb.Append(string.Join(",", ((TracingVisitor)visitors[1]).Trace));
        Report("gvm", sb.ToString());
    }

    private static void GenericStatics()
    {
        for (int i = 0; i < 5; i++)
        {
            TypeStats<int>.Observe(i, i);
            TypeStats<string>.Observe("s" + i.ToString(CultureInfo.InvariantCulture), 2);
            TypeStats<MyStruct>.Observe(new MyStruct(i, i), 3);
            TypeStats<LargeRefStruct>.Observe(new LargeRefStruct("g", i), 4);
            TypeStats<Color>.Observe((Color)(i % 3 + 1), 5);
            TypeStats<Animal>.Observe(new Cat("c"), 6);
            LibStatics<MyKey>.Record(new MyKey(i, "lib"));
            LibStatics<Tiny>.Record(new Tiny(i));
        }
        string r = string.Join(",",
            TypeStats<int>.Total, TypeStats<string>.Last, TypeStats<MyStruct>.Last, TypeStats<LargeRefStruct>.Last.S1,
            TypeStats<Color>.Count, TypeStats<Animal>.History.Count, TypeStats<MyStruct>.PerThread,
            LibStatics<MyKey>.Hits, LibStatics<MyKey>.LastSeen, LibStatics<Tiny>.LastSeen);
        Report("statics", r);
    }

    private static void Algorithms()
    {
        var sb = new StringBuilder();
        sb.Append(Algo.Max<int>(new[] { 3, 9, 2 })).Append(',');
        sb.Append(Algo.Max<MyStruct>(new[] { new MyStruct(1, 1), new MyStruct(4, 0), new MyStruct(4, 2) })).Append(',');
        sb.Append(Algo.Max<MyKey>(new[] { new MyKey(1, "b"), new MyKey(1, "c") })).Append(',');
        sb.Append(Algo.Max<Money>(new[] { new Money(10), new Money(99) })).Append(',');
        sb.Append(Algo.Max<string>(new[] { "pear", "apple" })).Append(',');
        sb.Append(Algo.Sum<int>(new[] { 1, 2, 3 })).Append(',');
        sb.Append(Algo.Sum<double>(new[] { 0.25, 0.5 }).ToString("R", CultureInfo.InvariantCulture)).Append(',');
        sb.Append(Algo.Sum<decimal>(new[] { 0.1m, 0.2m }).ToString(CultureInfo.InvariantCulture)).Append(',');
        sb.Append(Algo.Sum<Money>(new[] { new Money(150), new Money(275) })).Append(',');

        int x = 1, y = 2;
        Algo.Swap(ref x, ref y);
        LargeStruct l1 = LargeStruct.Make(1), l2 = LargeStruct.Make(2);
        Algo.Swap(ref l1, ref l2);
        RefStruct r1 = new("a", 1), r2 = new("b", 2);
        Algo.Swap(ref r1, ref r2);
        sb.Append(x).Append(y).Append(l1.A).Append(r1).Append(',');

        sb.Append(Algo.Combine<int, MyStruct, string, Pair16>(1, new MyStruct(2, 3), "4", (a, b, c) => new Pair16(a + b.X, c.Length))).Append(',');
        sb.Append(Algo.Combine<Color, LargeStruct, MyKey, string>(Color.Red, LargeStruct.Make(1), new MyKey(2, "z"), (a, b, c) => a + "/" + b.H + "/" + c)).Append(',');
        sb.Append(Algo.Combine<Animal, Tiny, Access, MyValue>(new Dog("c"), new Tiny(3), Access.All, (a, b, c) => new MyValue(b.A, (int)c, a.Name))).Append(',');
        sb.Append(Algo.Describe<Person, MyStruct, Access, LargeRefStruct, List<MyKey>>(new Person("p", 1), new MyStruct(1, 1), Access.Execute, new LargeRefStruct("d", 1))).Append(',');
        sb.Append(Algo.Describe<string, Pair16, Color, int, Tiny>("s", new Pair16(0, 0), Color.Blue, 7)).Append(',');

        Transformer<LargeStruct, long> sum = (in LargeStruct l) => l.Sum;
        long[] sums = Algo.MapAll(new[] { LargeStruct.Make(1), LargeStruct.Make(2) }, sum);
        string[] names = Algo.MapAll(new[] { new RefStruct("m", 1) }, (in RefStruct r) => r.Name);
        sb.Append(sums[1]).Append(names[0]).Append(',');

        sb.Append(Algo.FirstOrDefaultNullable<MyStruct>(new MyStruct?[] { null, new MyStruct(8, 8) })).Append(',');
        sb.Append(Algo.CountBits(Access.All)).Append(Algo.CountBits(Magnitude.Large)).Append(Algo.CountBits(LibKind.Beta));

        var arr = new[] { new MyStruct(1, 3), new MyStruct(2, 9), new MyStruct(3, 1) };
        Array.Sort(arr, new ByYDescending());
        sb.Append(',').Append(string.Join("|", arr));
        Report("algo", sb.ToString());
    }

    // -----------------------------------------------------------------------
    // Async over structs.
    // -----------------------------------------------------------------------

    private static async Task<MyStruct> MakeAsync(int i)
    {
        await Task.Yield();
        return new MyStruct(i, i * 0.5f);
    }

    private static async ValueTask<LargeStruct> MakeLargeAsync(long seed)
    {
        if (seed % 2 == 0) await Task.Yield();
        return LargeStruct.Make(seed);
    }

    private static async Task<T> EchoAsync<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    private static async ValueTask<(MyKey Key, MyValue Value)> LookupAsync(Dictionary<MyKey, MyValue> d, MyKey k)
    {
        await Task.Yield();
        return (k, d[k]);
    }

    private static async IAsyncEnumerable<Pair16> StreamAsync(int n)
    {
        for (int i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return new Pair16(i, i * i);
        }
    }

    private static async Task AsyncOverStructs()
    {
        var tasks = new List<Task<MyStruct>>();
        for (int i = 0; i < 4; i++) tasks.Add(MakeAsync(i));
        MyStruct[] made = await Task.WhenAll(tasks);
        LargeStruct big = await MakeLargeAsync(4);
        LargeStruct big2 = await MakeLargeAsync(5);
        LargeRefStruct echoed = await EchoAsync(new LargeRefStruct("echo", 6));
        MyKey key = await EchoAsync(new MyKey(7, "seven"));
        int prim = await EchoAsync(8);
        Animal animal = await EchoAsync<Animal>(new Cat("async"));
        var d = new Dictionary<MyKey, MyValue> { [key] = new MyValue(7.5, 7, "val") };
        var (k, v) = await LookupAsync(d, key);
        long streamed = 0;
        await foreach (Pair16 p in StreamAsync(5)) streamed += p.A + p.B;
        Report("async", string.Join(",", made.Select(m => m.ToString())) + " " + big.Sum + " " + big2.Sum + " " +
            echoed.S1 + " " + key + " " + prim + " " + animal.Speak() + " " + k + "=" + v + " " + streamed);
    }

    // -----------------------------------------------------------------------
    // LINQ over struct sequences.
    // -----------------------------------------------------------------------

    private static IEnumerable<MyStruct> Generate(int n)
    {
        for (int i = 0; i < n; i++)
            yield return new MyStruct((i * 7919) % 101, (i * 31 % 17) / 2f);
    }

    private static void LinqOverStructs()
    {
        var source = Generate(50).ToList();
        var projected = source
            .Where(s => s.X % 2 == 0)
            .Select(s => new Pair16(s.X, (long)(s.Y * 2)))
            .OrderBy(p => p.B)
            .ThenByDescending(p => p.A)
            .ToArray();
        var grouped = source
            .GroupBy(s => (Color)(s.X % 3 + 1))
            .OrderBy(g => g.Key)
            .Select(g => g.Key + "=" + g.Count().ToString(CultureInfo.InvariantCulture));
        var larges = source.Take(5).Select(s => LargeStruct.Make(s.X)).OrderByDescending(l => l.Sum).ToList();
        var dict = source.DistinctBy(s => s.X).Take(10).ToDictionary(s => new MyKey(s.X, "x"), s => new MyValue(s.Y, s.X, null));
        double agg = source.Aggregate(0.0, (acc, s) => acc + s.Y);
        var zipped = source.Zip(projected, (s, p) => s.X + p.A).Sum();
        var keys = dict.Keys.OrderBy(k => k).Select(k => k.Id).ToArray();
        MyStruct maxBy = source.MaxBy(s => s.Y);
        var sorted = source.OrderBy(s => s).Take(3);
        Report("linq", projected.Length + " " + projected[0] + " " + string.Join(";", grouped) + " " + larges[0].Sum + " " +
            agg.ToString("R", CultureInfo.InvariantCulture) + " " + zipped + " " + string.Join(",", keys) + " " + maxBy + " " +
            string.Join(",", sorted));
    }

    // -----------------------------------------------------------------------
    // Arrays, multi-dimensional and jagged arrays of structs.
    // -----------------------------------------------------------------------

    private static void ArraysOfStructs()
    {
        var oneD = new LargeStruct[8];
        for (int i = 0; i < oneD.Length; i++) oneD[i] = LargeStruct.Make(i);

        var twoD = new MyStruct[3, 4];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                twoD[i, j] = new MyStruct(i * j, i + j);

        var threeD = new RefStruct[2, 2, 2];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 2; k++)
                    threeD[i, j, k] = new RefStruct("c" + (i * 4 + j * 2 + k).ToString(CultureInfo.InvariantCulture), i + j + k);

        var twoDLarge = new LargeRefStruct[2, 3];
        twoDLarge[1, 2] = new LargeRefStruct("corner", 12);

        var jagged = new Tiny[3][];
        for (int i = 0; i < 3; i++) jagged[i] = Enumerable.Range(0, i + 1).Select(v => new Tiny(v)).ToArray();

        var enums2D = new Color[2, 2] { { Color.Red, Color.Green }, { Color.Blue, Color.Red } };
        var keys2D = new MyKey[1, 2] { { new MyKey(1, "a"), new MyKey(2, "b") } };

        long sum = 0;
        foreach (LargeStruct l in oneD) sum += l.Sum;
        foreach (MyStruct s in twoD) sum += s.X;
        foreach (RefStruct r in threeD) sum += r.Id;
        foreach (Tiny[] row in jagged) sum += row.Sum(t => t.A);
        foreach (Color c in enums2D) sum += (int)c;
        Span<MyStruct> span = oneD.Length > 0 ? new MyStruct[] { new(1, 1), new(2, 2) } : default;
        span.Reverse();
        Span<Pair16> stackSpan = stackalloc Pair16[4];
        for (int i = 0; i < stackSpan.Length; i++) stackSpan[i] = new Pair16(i, i);
        foreach (ref readonly Pair16 p in stackSpan) sum += p.A;
        MyStruct[] copy = (MyStruct[])span.ToArray().Clone();
        Array.Reverse(copy);

        Report("arrays", sum + " " + twoD.GetLength(1) + " " + threeD[1, 1, 1] + " " + twoDLarge[1, 2].S1 + " " +
            keys2D[0, 1] + " " + copy[0] + " " + twoD.Rank + threeD.Rank);
    }

    // -----------------------------------------------------------------------
    // Pointers and function pointers.
    // -----------------------------------------------------------------------

    private static int Twice(int x) => x * 2;
    private static int Square(int x) => x * x;

    private static unsafe void PointersAndFunctionPointers()
    {
        int local = 21;
        delegate*<int, int>[] table = { &Twice, &Square };
        int*[] ptrs = { &local };
        var holder = new PtrHolder { P = &local, Fn = &Twice, Handle = 5 };
        var boxed = new Box<PtrHolder>(holder);
        var list = new List<PtrHolder> { holder, holder };
        var ring = new LibRing<PtrHolder>(2);
        ring.Push(holder);

        PtrHolder got = boxed.Get();
        int r = got.Fn(*got.P) + table[1](*ptrs[0]) + list.Count + ring.Count + (int)got.Handle;
        Span<int> span = stackalloc int[3] { 1, 2, 3 };
        fixed (int* p = span) r += p[2];
        Report("pointers", r.ToString(CultureInfo.InvariantCulture));
    }

    // -----------------------------------------------------------------------
    // Lambdas, closures, local functions.
    // -----------------------------------------------------------------------

    private static void LambdasAndLocalFunctions()
    {
        int counter = 0;
        var big = LargeStruct.Make(3);
        Func<MyStruct, LargeStruct> capture = s => { counter++; var c = big; c.A += s.X; return c; };
        Func<int, int> noCapture = static x => x + 1;
        Action<RefStruct> log = r => counter += r.Id;
        Func<Pair16, Pair16, Pair16> add = (a, b) => new Pair16(a.A + b.A, a.B + b.B);
        Predicate<MyKey> isEven = k => k.Id % 2 == 0;
        Converter<MyStruct, string> conv = s => s.ToString();

        static T Twice<T>(T x, Func<T, T> f) => f(f(x));
        T Apply<T>(T seed, int times, Func<T, T> f)
        {
            for (int i = 0; i < times; i++) { seed = f(seed); counter++; }
            return seed;
        }
        int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

        LargeStruct captured = capture(new MyStruct(10, 0));
        log(new RefStruct("r", 5));
        Pair16 sum = add(new Pair16(1, 2), new Pair16(3, 4));
        MyStruct t = Twice(new MyStruct(1, 1), s => new MyStruct(s.X * 3, s.Y));
        LargeStruct applied = Apply(LargeStruct.Make(1), 3, l => { l.H++; return l; });
        string str = Apply("x", 2, s => s + "y");
        var list = new List<MyKey> { new(1, "a"), new(2, "b"), new(4, "c") };
        int evens = list.FindAll(isEven).Count;
        List<string> converted = new List<MyStruct> { new(1, 2) }.ConvertAll(conv);

        Report("lambdas", captured.A + " " + noCapture(1) + " " + sum + " " + t + " " + applied.H + " " + str + " " +
            evens + " " + converted[0] + " " + Fib(15) + " " + counter);
    }

    // -----------------------------------------------------------------------

    private static void StaticConstructors()
    {
        string r = Registry.Lookup("p5") + " " + Registry.Primes.Length + " " + GenericCctor<MyStruct>.Describe() + " " +
            GenericCctor<string>.Describe() + " " + GenericCctor<LargeRefStruct>.Describe() + " " +
            GenericCctor<MyStruct>.Touched;
        Report("cctor", r);
    }

    private static void Strings()
    {
        var sb = new StringBuilder();
        sb.Append(Short).Append(Short.Length).Append(' ');
        sb.Append(NonAscii).Append(' ').Append(NonAscii.Length).Append(' ');
        sb.Append(Encoding.UTF8.GetByteCount(NonAscii)).Append(' ');
        sb.Append(Long.Length).Append(' ').Append(Long.Substring(Long.Length - 24));
        sb.Append(' ').Append("tab\there").Append(' ').Append("line\nbreak".Length);
        sb.Append(' ').Append("".Length).Append(" \u00A0\u2028\uFEFF".Length);
        Report("strings", sb.ToString());
    }

    private static void LibraryTypes()
    {
        // Generic definitions from the BCL / app instantiated over types from GenericsLib.
        var points = new List<LibPoint> { new(1, 2), new(3, 4) };
        var byPoint = new Dictionary<LibPoint, LibKind> { [new LibPoint(1, 2)] = LibKind.Alpha, [new LibPoint(5, 6)] = LibKind.Gamma };
        var boxed = new Box<LibPoint>(new LibPoint(7, 8));
        var tagged = new LibTagged<MyStruct>("t", new MyStruct(1, 1));
        var taggedLarge = new Box<LibTagged<LargeStruct>>(new LibTagged<LargeStruct>("L", LargeStruct.Make(2)));
        var inner = new Outer<LibPoint>(new LibPoint(0, 1)).Pair(LibKind.Beta);
        // Generic definition from GenericsLib instantiated over app types.
        var ring = new LibRing<MyKey>(3);
        for (int i = 0; i < 5; i++) ring.Push(new MyKey(i, "ring"));
        int ringSum = ring.Fold(0, (acc, k) => acc + k.Id);
        var ringLarge = new LibRing<LargeRefStruct>(2);
        ringLarge.Push(new LargeRefStruct("rl", 3));
        long ringLargeSum = ringLarge.Fold(0L, (acc, l) => acc + l.C);
        var ringLib = new LibRing<LibTagged<LibPoint>>(1);
        ringLib.Push(new LibTagged<LibPoint>("p", new LibPoint(9, 9)));
        LibStatics<LibPoint>.Record(new LibPoint(4, 4));

        Report("library", points.Max(p => p.X) + " " + byPoint[new LibPoint(1, 2)] + " " + boxed.Get() + " " + tagged + " " +
            taggedLarge.Get().Payload.Sum + " " + inner + " " + ringSum + " " + ringLargeSum + " " +
            ringLib.Fold("", (acc, t) => acc + t) + " " + LibStatics<LibPoint>.LastSeen);
    }

    private static void TuplesNullablesExceptions()
    {
        // 9-element tuple -> ValueTuple`8 with TRest = ValueTuple`2.
        var wide = (1, "two", new MyStruct(3, 3), 4.0, Color.Blue, 6L, (byte)7, '8', new Tiny(9));
        var tupleList = new List<(MyKey, LargeStruct, Color?)> { (new MyKey(1, "t"), LargeStruct.Make(1), null) };
        MyStruct? maybe = new MyStruct(5, 5);
        LargeStruct? none = null;
        Pair16? somePair = new Pair16(1, 1);
        Color? nullableEnum = Color.Green;

        string caught;
        try
        {
            ThrowIt(new MyKey(99, "boom"));
            caught = "none";
        }
        catch (SampleException<MyKey> ex) when (ex.Payload.Id == 99)
        {
            caught = ex.Payload + ":" + ex.Message;
        }
        finally
        {
            Checksum.Add("finally");
        }

        try
        {
            ThrowIt(LargeStruct.Make(2));
        }
        catch (SampleException<LargeStruct> ex)
        {
            caught += " " + ex.Payload.Sum;
        }

        Report("misc", wide.Item9 + " " + wide.Item3 + " " + tupleList[0].Item1 + " " + (maybe?.X ?? -1) + " " +
            none.HasValue + " " + somePair.GetValueOrDefault().B + " " + nullableEnum + " " + caught);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIt<T>(T payload) => throw new SampleException<T>(payload);
}
