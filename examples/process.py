"""The worker script of examples/native_worker.symbi: summarises the files it can see."""

import os
import platform
import sys


def main() -> int:
    root = os.getcwd()
    files = 0
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "target"]
        for name in filenames:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
                files += 1
            except OSError:
                continue
    print(f"process.py: python {platform.python_version()} on {platform.system()} (pid {os.getpid()})")
    print(f"process.py: {files} files, {total} bytes under {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
