using Attention;

namespace Course.Grader.Worker;

/// <summary>
/// The values that travel between grader and worker — case arguments, results, arguments after a call — in a small
/// tagged binary form: null, int, long, float, double, bool, string, arrays of int/long/float/double, and course tensors.
/// </summary>
public static class CaseValues
{
    private enum Tag : byte
    {
        Null, Int, Long, Float, Double, Bool, String, Tensor, Ints, Floats, Doubles, Longs,
    }

    /// <summary>Writes one value; throws <see cref="NotSupportedException"/> naming the type for anything else.</summary>
    public static void Write(BinaryWriter w, object? value)
    {
        switch (value)
        {
            case null: w.Write((byte)Tag.Null); break;
            case int v: w.Write((byte)Tag.Int); w.Write(v); break;
            case long v: w.Write((byte)Tag.Long); w.Write(v); break;
            case float v: w.Write((byte)Tag.Float); w.Write(v); break;
            case double v: w.Write((byte)Tag.Double); w.Write(v); break;
            case bool v: w.Write((byte)Tag.Bool); w.Write(v); break;
            case string v: w.Write((byte)Tag.String); w.Write(v); break;
            case int[] v: w.Write((byte)Tag.Ints); w.Write(v.Length); foreach (int x in v) { w.Write(x); } break;
            case long[] v: w.Write((byte)Tag.Longs); w.Write(v.Length); foreach (long x in v) { w.Write(x); } break;
            case float[] v: w.Write((byte)Tag.Floats); w.Write(v.Length); foreach (float x in v) { w.Write(x); } break;
            case double[] v: w.Write((byte)Tag.Doubles); w.Write(v.Length); foreach (double x in v) { w.Write(x); } break;
            case Tensor t:
                w.Write((byte)Tag.Tensor);
                w.Write(t.Rank);
                foreach (int d in t.Shape)
                {
                    w.Write(d);
                }

                foreach (float x in t.Data)
                {
                    w.Write(x);
                }

                break;
            default: throw new NotSupportedException($"a {value.GetType().Name}, which the grader cannot read back (return a Tensor, a number or an array)");
        }
    }

    /// <summary>Reads one value written by <see cref="Write"/>; a malformed value throws <see cref="InvalidDataException"/>.</summary>
    public static object? Read(BinaryReader r)
    {
        var tag = (Tag)r.ReadByte();
        return tag switch
        {
            Tag.Null => null,
            Tag.Int => r.ReadInt32(),
            Tag.Long => r.ReadInt64(),
            Tag.Float => r.ReadSingle(),
            Tag.Double => r.ReadDouble(),
            Tag.Bool => r.ReadBoolean(),
            Tag.String => r.ReadString(),
            Tag.Ints => Array(r, r.ReadInt32),
            Tag.Floats => Array(r, r.ReadSingle),
            Tag.Doubles => Array(r, r.ReadDouble),
            Tag.Longs => Array(r, r.ReadInt64),
            Tag.Tensor => ReadTensor(r),
            _ => throw new InvalidDataException($"unknown value tag {(byte)tag}"),
        };
    }

    /// <summary>Writes a list of values, length first.</summary>
    public static void WriteList(BinaryWriter w, IReadOnlyList<object?> values)
    {
        w.Write(values.Count);
        foreach (object? v in values)
        {
            Write(w, v);
        }
    }

    /// <summary>Reads a list written by <see cref="WriteList"/>.</summary>
    public static object?[] ReadList(BinaryReader r)
    {
        int n = Count(r);
        if (n > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new InvalidDataException($"a list of {n} values does not fit in the message");
        }

        var values = new object?[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = Read(r);
        }

        return values;
    }

    private static Tensor ReadTensor(BinaryReader r)
    {
        int rank = Count(r);
        if (rank > 8)
        {
            throw new InvalidDataException($"a tensor of rank {rank}");
        }

        var shape = new int[rank];
        long length = 1;
        for (int k = 0; k < rank; k++)
        {
            shape[k] = Count(r);
            length = checked(length * shape[k]);
        }

        if (length > (r.BaseStream.Length - r.BaseStream.Position) / sizeof(float))
        {
            throw new InvalidDataException($"a tensor of {length} elements does not fit in the message");
        }

        var data = new float[length];
        for (long k = 0; k < length; k++)
        {
            data[k] = r.ReadSingle();
        }

        return new Tensor(data, shape);
    }

    private static T[] Array<T>(BinaryReader r, Func<T> read)
    {
        int n = Count(r);
        if (n > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new InvalidDataException($"an array of {n} elements does not fit in the message");
        }

        var values = new T[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = read();
        }

        return values;
    }

    private static int Count(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n >= 0 ? n : throw new InvalidDataException($"negative count {n}");
    }
}
