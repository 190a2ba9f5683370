package dev.conduit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * Windows named pipes through kernel32 and advapi32, bound with JNA on first use, so nothing native is loaded on
 * other platforms. Every pipe is opened for overlapped I/O: on a handle opened for synchronous I/O Windows serialises
 * all calls, and a read waiting for the client would block every write of the concurrent requests' answers.
 * Buffers and OVERLAPPED blocks live in native memory the call owns until the operation completes.
 */
final class WindowsPipes {
    private static final int PIPE_ACCESS_DUPLEX = 0x3;
    private static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    private static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
    private static final int PIPE_TYPE_BYTE = 0x0;
    private static final int PIPE_READMODE_BYTE = 0x0;
    private static final int PIPE_WAIT = 0x0;
    private static final int PIPE_REJECT_REMOTE_CLIENTS = 0x8;
    private static final int PIPE_UNLIMITED_INSTANCES = 255;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int ERROR_IO_PENDING = 997;
    private static final int ERROR_PIPE_CONNECTED = 535;
    private static final int ERROR_BROKEN_PIPE = 109;
    private static final int ERROR_ACCESS_DENIED = 5;
    private static final int SDDL_REVISION_1 = 1;

    /** The kernel32 calls used, with {@code Pointer} for buffers and OVERLAPPED so JNA never copies them. */
    interface Kernel32 extends StdCallLibrary {
        WinNT.HANDLE CreateNamedPipe(String name, int openMode, int pipeMode, int maxInstances, int outBufferSize,
                                     int inBufferSize, int defaultTimeout, WinBase.SECURITY_ATTRIBUTES security);

        boolean ConnectNamedPipe(WinNT.HANDLE pipe, Pointer overlapped);

        boolean DisconnectNamedPipe(WinNT.HANDLE pipe);

        boolean ReadFile(WinNT.HANDLE file, Pointer buffer, int length, Pointer read, Pointer overlapped);

        boolean WriteFile(WinNT.HANDLE file, Pointer buffer, int length, Pointer written, Pointer overlapped);

        boolean GetOverlappedResult(WinNT.HANDLE file, Pointer overlapped, IntByReference transferred, boolean wait);

        boolean CancelIoEx(WinNT.HANDLE file, Pointer overlapped);

        WinNT.HANDLE CreateEvent(WinBase.SECURITY_ATTRIBUTES security, boolean manualReset, boolean initialState,
                                 String name);

        boolean CloseHandle(WinNT.HANDLE handle);

        Pointer LocalFree(Pointer memory);
    }

    /** The advapi32 call that turns SDDL into a security descriptor. */
    interface Advapi32 extends StdCallLibrary {
        boolean ConvertStringSecurityDescriptorToSecurityDescriptor(String sddl, int revision,
                                                                   PointerByReference descriptor,
                                                                   IntByReference size);
    }

    private final Kernel32 kernel32 = Native.load("kernel32", Kernel32.class, W32APIOptions.DEFAULT_OPTIONS);
    private final Advapi32 advapi32 = Native.load("advapi32", Advapi32.class, W32APIOptions.DEFAULT_OPTIONS);
    private final WinBase.SECURITY_ATTRIBUTES security;
    /** The instance waiting for a client, so that {@link #stopListening()} can cancel the wait. */
    private volatile WinNT.HANDLE listening;

    /** Binds the libraries and builds the owner-only descriptor of the current user. */
    WindowsPipes() throws IOException {
        String sid = Advapi32Util.getAccountByName(Advapi32Util.getUserName()).sidString;
        PointerByReference descriptor = new PointerByReference();
        if (!advapi32.ConvertStringSecurityDescriptorToSecurityDescriptor(PipeSecurity.ownerOnly(sid),
                                                                          SDDL_REVISION_1, descriptor, null)) {
            throw failure("building the pipe's security descriptor");
        }
        // Kept for the life of the server: every pipe instance is created with it.
        security = new WinBase.SECURITY_ATTRIBUTES();
        security.dwLength = new WinDef.DWORD(security.size());
        security.lpSecurityDescriptor = descriptor.getValue();
        security.bInheritHandle = false;
    }

    /**
     * Creates one instance of the pipe, for one client.
     *
     * @param first whether this is the server's first instance: then the name must not be taken already, so a
     *              second server (or a squatter that created the pipe first) makes the start fail
     */
    WinNT.HANDLE create(PipeName name, boolean first) throws IOException {
        int openMode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
        WinNT.HANDLE pipe = kernel32.CreateNamedPipe(name.path(), openMode,
                PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                PIPE_UNLIMITED_INSTANCES, BUFFER_SIZE, BUFFER_SIZE, 0, security);
        if (WinBase.INVALID_HANDLE_VALUE.equals(pipe)) {
            int error = Native.getLastError();
            throw new IOException(error == ERROR_ACCESS_DENIED && first
                    ? name.path() + " is in use by another server" : "CreateNamedPipe failed: error " + error);
        }
        return pipe;
    }

    /** Waits for a client to connect to the instance {@code pipe}; closes the instance when that fails. */
    Connection connect(WinNT.HANDLE pipe) throws IOException {
        listening = pipe;
        try (Overlapped operation = new Overlapped()) {
            if (!kernel32.ConnectNamedPipe(pipe, operation.pointer())) {
                int error = Native.getLastError();
                if (error == ERROR_IO_PENDING) {
                    operation.await(pipe);
                } else if (error != ERROR_PIPE_CONNECTED) {
                    throw new IOException("ConnectNamedPipe failed: error " + error);
                }
            }
        } catch (IOException e) {
            kernel32.CloseHandle(pipe);
            throw e;
        } finally {
            listening = null;
        }
        return new Connection(pipe);
    }

    /** Makes a waiting {@link #connect} fail, so the server can stop. */
    void stopListening() {
        WinNT.HANDLE pipe = listening;
        if (pipe != null) {
            kernel32.CancelIoEx(pipe, null);
        }
    }

    private IOException failure(String what) {
        return new IOException(what + " failed: error " + Native.getLastError());
    }

    /** One OVERLAPPED block with its manual-reset event, in native memory, for one operation at a time. */
    private final class Overlapped implements AutoCloseable {
        private final WinBase.OVERLAPPED block = new WinBase.OVERLAPPED();
        private final WinNT.HANDLE event;

        Overlapped() throws IOException {
            event = kernel32.CreateEvent(null, true, false, null);
            if (event == null) {
                throw failure("CreateEvent");
            }
            block.hEvent = event;
            // Written once: JNA must not copy stale Java fields over what the kernel writes while I/O is pending.
            block.setAutoSynch(false);
            block.write();
        }

        Pointer pointer() {
            return block.getPointer();
        }

        /** Waits for the pending operation; the bytes it moved. */
        int await(WinNT.HANDLE handle) throws IOException {
            IntByReference transferred = new IntByReference();
            if (!kernel32.GetOverlappedResult(handle, pointer(), transferred, true)) {
                int error = Native.getLastError();
                throw error == ERROR_BROKEN_PIPE ? new IOException("the client closed the pipe")
                        : new IOException("pipe I/O failed: error " + error);
            }
            return transferred.getValue();
        }

        /** Starts {@code started} and waits for it when it goes pending. */
        int complete(WinNT.HANDLE handle, boolean started) throws IOException {
            if (started) {
                return await(handle);
            }
            int error = Native.getLastError();
            if (error == ERROR_IO_PENDING) {
                return await(handle);
            }
            throw error == ERROR_BROKEN_PIPE ? new IOException("the client closed the pipe")
                    : new IOException("pipe I/O failed: error " + error);
        }

        @Override
        public void close() {
            kernel32.CloseHandle(event);
        }
    }

    /** A connected pipe instance: reads and writes may run at the same time from different threads. */
    final class Connection implements AutoCloseable {
        private final WinNT.HANDLE pipe;
        private final ReentrantLock readLock = new ReentrantLock();
        private final ReentrantLock writeLock = new ReentrantLock();
        private volatile boolean closed;

        private Connection(WinNT.HANDLE pipe) {
            this.pipe = pipe;
        }

        InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] bytes, int offset, int length) throws IOException {
                    return Connection.this.read(bytes, offset, length);
                }
            };
        }

        OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    Connection.this.write(bytes, offset, length);
                }
            };
        }

        private int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            readLock.lock();
            try (Overlapped operation = new Overlapped(); Memory buffer = new Memory(length)) {
                if (closed) {
                    return -1;
                }
                while (true) {
                    int read;
                    try {
                        read = operation.complete(pipe, kernel32.ReadFile(pipe, buffer, length, null,
                                                                          operation.pointer()));
                    } catch (IOException e) {
                        return -1; // the client went away, or close() cancelled the read
                    }
                    if (read > 0) {
                        buffer.read(0, bytes, offset, read);
                        return read;
                    }
                    // A zero-byte write by the client completes a read with nothing: not the end of the stream.
                }
            } finally {
                readLock.unlock();
            }
        }

        private void write(byte[] bytes, int offset, int length) throws IOException {
            writeLock.lock();
            try (Memory buffer = new Memory(Math.max(1, length))) {
                buffer.write(0, bytes, offset, length);
                int done = 0;
                while (done < length) {
                    if (closed) {
                        throw new IOException("the pipe is closed");
                    }
                    try (Overlapped operation = new Overlapped()) {
                        done += operation.complete(pipe, kernel32.WriteFile(pipe, buffer.share(done), length - done,
                                                                            null, operation.pointer()));
                    }
                }
            } finally {
                writeLock.unlock();
            }
        }

        /** Ends the connection: pending reads and writes fail, the instance is disconnected and closed. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            kernel32.CancelIoEx(pipe, null);
            kernel32.DisconnectNamedPipe(pipe);
            kernel32.CloseHandle(pipe);
        }
    }
}
