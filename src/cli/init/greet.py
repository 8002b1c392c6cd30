"""The script the starter agent runs: greets the name given as its first argument."""
import sys

name = sys.argv[1] if len(sys.argv) > 1 else "world"
print(f"hello, {name}")
