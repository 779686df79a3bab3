/**
 * Browser side of the call on the kiosk page: camera and microphone, one RTCPeerConnection
 * with the ICE servers central handed out, and the media signalling socket to central
 * (`/calls/media?token=…`). The agent console makes the offer whenever this page joins or the
 * agent changes (`peer-ready`), so a page reload simply joins again and gets a fresh offer.
 *
 * The page joins while an information call rings its one agent: both sides connect then, each
 * holding its tracks (the senders carry no track), and the page starts sending only when it
 * shows the call ({@link KioskCallMedia.setSending}); the agent's console starts when central says
 * the call is answered. So the answer only has to start the tracks, and nothing of the passenger
 * is sent before the passenger sees the call.
 *
 * In kiosk mode Chromium grants camera and microphone without a prompt through the managed
 * policies `VideoCaptureAllowedUrls` / `AudioCaptureAllowedUrls` for the UI's origin
 * (docs/calls.md); the page is served from http://127.0.0.1, a secure context.
 */
import type { CallMedia, MediaSignal } from '../../../shared/call-protocol.js';

export type MediaState = 'starting' | 'waiting-agent' | 'connecting' | 'connected' | 'failed';

export class KioskCallMedia {
  private socket: WebSocket | null = null;
  private pc: RTCPeerConnection | null = null;
  private local: MediaStream | null = null;
  private remote: MediaStream | null = null;
  private closed = false;
  private sending = false;
  private current: MediaState = 'starting';
  private readonly listeners = new Set<() => void>();
  /** Signals are handled one after another: a candidate must not overtake the offer it belongs to. */
  private signals: Promise<void> = Promise.resolve();

  constructor(private readonly media: CallMedia) {}

  get state(): MediaState {
    return this.current;
  }

  /** The agent's camera and microphone, once the connection carries them. */
  get remoteStream(): MediaStream | null {
    return this.remote;
  }

  /** This kiosk's camera and microphone. */
  get localStream(): MediaStream | null {
    return this.local;
  }

  /** Called on every change of state or stream; returns the way to stop listening. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    } catch {
      this.setState('failed');
      return;
    }
    if (this.closed) {
      this.stopLocal();
      return;
    }
    this.changed();
    const socket = new WebSocket(this.media.signallingUrl);
    this.socket = socket;
    socket.onopen = () => this.setState('waiting-agent');
    socket.onmessage = (ev: MessageEvent<string>) => {
      let signal: MediaSignal;
      try {
        signal = JSON.parse(ev.data) as MediaSignal;
      } catch {
        return;
      }
      this.signals = this.signals.then(() => this.onSignal(signal)).catch(() => this.setState('failed'));
    };
    socket.onclose = (ev) => {
      if (!this.closed && ev.code !== 1000) this.setState('failed');
    };
  }

  /** Sends this kiosk's camera and microphone (true once the passenger sees the call), or holds them. */
  setSending(on: boolean): void {
    if (this.sending === on) return;
    this.sending = on;
    if (this.pc) void this.applySending(this.pc);
  }

  setMuted(muted: boolean): void {
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = !muted;
  }

  /** Frames of the agent's video decoded so far (for health checks and tests). */
  async framesDecoded(): Promise<number> {
    if (!this.pc) return 0;
    let frames = 0;
    (await this.pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    });
    return frames;
  }

  close(): void {
    this.closed = true;
    this.pc?.close();
    this.pc = null;
    this.socket?.close(1000);
    this.socket = null;
    this.stopLocal();
    this.listeners.clear();
  }

  private stopLocal(): void {
    for (const t of this.local?.getTracks() ?? []) t.stop();
    this.local = null;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private setState(state: MediaState): void {
    if (this.current === state || this.closed) return;
    this.current = state;
    this.changed();
  }

  private send(signal: MediaSignal): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(signal));
  }

  /** Each sender carries its local track while sending, none while held. */
  private async applySending(pc: RTCPeerConnection): Promise<void> {
    for (const transceiver of pc.getTransceivers()) {
      // Read again for each sender: the passenger may see the call while an earlier one is being held.
      const track = this.sending ? (this.local?.getTracks().find((t) => t.kind === transceiver.receiver.track.kind) ?? null) : null;
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }

  private async newPeer(): Promise<RTCPeerConnection> {
    this.pc?.close();
    const pc = new RTCPeerConnection({
      iceServers: this.media.iceServers.map((s) => ({ ...s, urls: [...s.urls] })),
      iceTransportPolicy: this.media.iceTransportPolicy ?? 'all',
    });
    this.pc = pc;
    for (const track of this.local?.getTracks() ?? []) pc.addTrack(track, this.local!);
    await this.applySending(pc);
    pc.ontrack = (ev) => {
      const stream = ev.streams[0];
      if (stream && this.pc === pc) {
        this.remote = stream;
        this.changed();
      }
    };
    pc.onicecandidate = (ev) => this.send({ type: 'ice', candidate: ev.candidate ? { candidate: ev.candidate.candidate, sdpMid: ev.candidate.sdpMid, sdpMLineIndex: ev.candidate.sdpMLineIndex } : null });
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      if (pc.connectionState === 'connected') {
        this.setState('connected');
        this.send({ type: 'media-state', state: 'connected' });
      } else if (pc.connectionState === 'failed') {
        this.setState('failed');
        this.send({ type: 'media-state', state: 'failed' });
      }
    };
    return pc;
  }

  private async onSignal(signal: MediaSignal): Promise<void> {
    switch (signal.type) {
      case 'sdp': {
        if (signal.description.type !== 'offer') return;
        this.setState('connecting');
        const pc = await this.newPeer();
        await pc.setRemoteDescription({ type: 'offer', sdp: signal.description.sdp });
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        this.send({ type: 'sdp', description: { type: 'answer', sdp: answer.sdp ?? '' } });
        return;
      }
      case 'ice':
        if (this.pc && signal.candidate) await this.pc.addIceCandidate(signal.candidate).catch(() => undefined);
        return;
      case 'peer-ready':
      case 'media-state':
        return;
    }
  }
}
