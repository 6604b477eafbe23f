using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Generics.App;

// ---------------------------------------------------------------------------
// Generic classes and methods. NoInlining keeps each instantiation as its own
// method body so it shows up as a distinct symbol / map entry.
// ---------------------------------------------------------------------------

public class Box<T>
{
    public T Value;
    public Box(T value) { Value = value; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public T Get() => Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public Box<TOut> Map<TOut>(Func<T, TOut> f) => new Box<TOut>(f(Value));

    public override string ToString() => "Box(" + Value + ")";
}

/// <summary>Generic collection with its own enumerator struct.</summary>
public sealed class Bag<T> : IEnumerable<T>
{
    private T[] _items = new T[4];
    private int _count;

    public int Count => _count;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Add(T item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        _items[_count++] = item;
    }

    public T this[int i] => _items[i];

    public Enumerator GetEnumerator() => new Enumerator(this);
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<T>
    {
        private readonly Bag<T> _bag;
        private int _index;
        internal Enumerator(Bag<T> bag) { _bag = bag; _index = -1; }
        public T Current => _bag._items[_index];
        object? IEnumerator.Current => Current;
        public bool MoveNext() => ++_index < _bag._count;
        public void Reset() => _index = -1;
        public void Dispose() { }
    }
}

/// <summary>Generic struct nested in a generic class: Outer`1+Inner`1.</summary>
public class Outer<T>
{
    public T Seed;
    public Outer(T seed) { Seed = seed; }

    public struct Inner<U>
    {
        public T First;
        public U Second;
        public Inner(T first, U second) { First = first; Second = second; }
        public override readonly string ToString() => "<" + First + "," + Second + ">";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public Inner<U> Pair<U>(U second) => new Inner<U>(Seed, second);

    public sealed class Deeper<V>
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static string Show(T t, V v) => typeof(V).Name + ":" + t + ":" + v;
    }
}

// ---------------------------------------------------------------------------
// Generic interfaces with struct implementations (boxed calls through the
// interface need unboxing stubs), plus constrained calls.
// ---------------------------------------------------------------------------

public interface IShape<T>
{
    T Area();
    string Describe();
}

public struct Square : IShape<double>
{
    public double Side;
    public Square(double side) { Side = side; }
    public readonly double Area() => Side * Side;
    public readonly string Describe() => "square " + Side.ToString("R", CultureInfo.InvariantCulture);
}

public struct Rect<T> : IShape<T> where T : INumber<T>
{
    public T W, H;
    public Rect(T w, T h) { W = w; H = h; }
    public readonly T Area() => W * H;
    public readonly string Describe() => "rect " + W + "x" + H;
}

public sealed class Circle : IShape<double>
{
    public double R;
    public Circle(double r) { R = r; }
    public double Area() => Math.Round(Math.PI * R * R, 6);
    public string Describe() => "circle " + R.ToString("R", CultureInfo.InvariantCulture);
}

public interface IConverter
{
    // Generic virtual method on an interface.
    TOut Convert<TIn, TOut>(TIn value, Func<TIn, TOut> f);
}

public struct LoggingConverter : IConverter
{
    public int Calls;
    public TOut Convert<TIn, TOut>(TIn value, Func<TIn, TOut> f) { Calls++; return f(value); }
}

// ---------------------------------------------------------------------------
// Generic virtual methods on a class hierarchy.
// ---------------------------------------------------------------------------

public abstract class Visitor
{
    public abstract TResult Visit<T, TResult>(T item, Func<T, TResult> f);
    public virtual string Name => "visitor";
}

public class CountingVisitor : Visitor
{
    public int Count;
    public override TResult Visit<T, TResult>(T item, Func<T, TResult> f) { Count++; return f(item); }
    public override string Name => "counting";
}

public sealed class TracingVisitor : CountingVisitor
{
    public readonly List<string> Trace = new();
    public override TResult Visit<T, TResult>(T item, Func<T, TResult> f)
    {
        TResult r = base.Visit(item, f);
        Trace.Add(typeof(T).Name + "->" + typeof(TResult).Name);
        return r;
    }
    public override string Name => "tracing";
}

// ---------------------------------------------------------------------------
// Statics in generic types: non-GC, GC, thread statics.
// ---------------------------------------------------------------------------

public static class TypeStats<T>
{
    public static int Count;                  // non-GC static
    public static long Total;                 // non-GC static
    public static T? Last;                    // GC or non-GC depending on T
    public static List<T> History = new();    // GC static (initialized in cctor)
    [ThreadStatic] public static int PerThread; // thread static

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Observe(T value, long weight)
    {
        Count++;
        Total += weight;
        Last = value;
        PerThread++;
        if (History.Count < 8) History.Add(value);
    }
}

// ---------------------------------------------------------------------------
// Generic algorithms: constraints, several type args, generic math, refs.
// ---------------------------------------------------------------------------

public delegate TOut Transformer<TIn, TOut>(in TIn input);

public static class Algo
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T Max<T>(ReadOnlySpan<T> items) where T : IComparable<T>
    {
        T best = items[0];
        for (int i = 1; i < items.Length; i++)
            if (items[i].CompareTo(best) > 0) best = items[i];
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T Sum<T>(ReadOnlySpan<T> items) where T : IAdditionOperators<T, T, T>, IAdditiveIdentity<T, T>
    {
        T acc = T.AdditiveIdentity;
        foreach (T item in items) acc += item;
        return acc;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Swap<T>(ref T a, ref T b) { T t = a; a = b; b = t; }

    /// <summary>Generic method with four type arguments.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TResult Combine<T1, T2, T3, TResult>(T1 a, T2 b, T3 c, Func<T1, T2, T3, TResult> f) => f(a, b, c);

    /// <summary>Generic method with five type args mixing class/struct constraints.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Describe<TClass, TStruct, TEnum, TAny, TNew>(TClass c, TStruct s, TEnum e, TAny a)
        where TClass : class
        where TStruct : struct
        where TEnum : struct, Enum
        where TNew : new()
    {
        TNew fresh = new TNew();
        return c + "|" + s + "|" + e + "|" + a + "|" + (fresh?.GetType().Name ?? "null");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TOut[] MapAll<TIn, TOut>(TIn[] input, Transformer<TIn, TOut> t)
    {
        var result = new TOut[input.Length];
        for (int i = 0; i < input.Length; i++) result[i] = t(in input[i]);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T MeasureConstrained<TShape, T>(TShape shape) where TShape : IShape<T> => shape.Area();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T? FirstOrDefaultNullable<T>(IEnumerable<T?> items) where T : struct
    {
        foreach (T? item in items) if (item.HasValue) return item;
        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountBits<TEnum>(TEnum value) where TEnum : struct, Enum
        => BitOperations.PopCount(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
}

/// <summary>Custom comparer struct for sorting struct arrays (struct comparer -> specialized sort).</summary>
public struct ByYDescending : IComparer<MyStruct>
{
    public readonly int Compare(MyStruct a, MyStruct b) => b.Y.CompareTo(a.Y);
}

/// <summary>Generic exception type.</summary>
public sealed class SampleException<T> : Exception
{
    public T Payload { get; }
    public SampleException(T payload) : base("sample failure") { Payload = payload; }
}
