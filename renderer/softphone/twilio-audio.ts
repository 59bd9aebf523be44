// Headset handling over the Voice SDK's `device.audio` (AudioHelper): the agent picks a microphone
// and a speaker; when one in use is unplugged mid-call the audio falls back to the default and the
// agent is told; when the chosen one comes back, the audio follows it again.
import type { Logger } from '../lib/log.js';
import type { AudioDeviceOption, AudioDevicesView, SoftphoneAudio, SoftphoneEvents } from './softphone.js';

/** The part of a MediaDeviceInfo the SDK hands us that we read. */
export type MediaDeviceLike = { deviceId: string; label: string; kind?: string };

/** The part of the SDK's AudioHelper we use (names as in its audiohelper.d.ts). */
export type TwilioAudioLike = {
  availableInputDevices: Map<string, MediaDeviceLike>;
  availableOutputDevices: Map<string, MediaDeviceLike>;
  readonly inputDevice: MediaDeviceLike | null;
  setInputDevice(deviceId: string): Promise<void>;
  speakerDevices: { get(): Set<MediaDeviceLike>; set(deviceIdOrIds: string | string[]): Promise<void> };
  /** Enables or disables the SDK's own incoming ringtone. */
  incoming(doEnable?: boolean): boolean;
  on(event: 'deviceChange', listener: (lostActiveDevices: MediaDeviceLike[]) => void): unknown;
};

export const DEFAULT_DEVICE = 'default';

type Emit = <E extends 'audioDevices' | 'audioDeviceLost'>(event: E, payload: SoftphoneEvents[E]) => void;

function options(devices: Map<string, MediaDeviceLike>): AudioDeviceOption[] {
  return [...devices.values()].map((device) => ({ id: device.deviceId, label: device.label || device.deviceId }));
}

/** The default if the browser offers one (Chromium does), else the first device, else nothing. */
function fallbackId(devices: Map<string, MediaDeviceLike>): string | null {
  if (devices.has(DEFAULT_DEVICE)) return DEFAULT_DEVICE;
  return devices.keys().next().value ?? null;
}

export class TwilioAudioDevices implements SoftphoneAudio {
  /** What the agent chose, kept while it is unplugged so the audio can follow it back. */
  private chosenInput: string | null = null;
  private chosenOutput: string | null = null;

  constructor(
    private readonly audio: TwilioAudioLike,
    private readonly emit: Emit,
    private readonly log: Logger,
  ) {
    audio.on('deviceChange', (lost) => {
      void this.devicesChanged(lost);
    });
  }

  devices(): AudioDevicesView {
    const speaker = [...this.audio.speakerDevices.get()][0];
    return {
      inputs: options(this.audio.availableInputDevices),
      outputs: options(this.audio.availableOutputDevices),
      selectedInput: this.audio.inputDevice?.deviceId ?? DEFAULT_DEVICE,
      selectedOutput: speaker?.deviceId ?? DEFAULT_DEVICE,
    };
  }

  async setInput(deviceId: string): Promise<void> {
    await this.audio.setInputDevice(deviceId);
    this.chosenInput = deviceId;
    this.emit('audioDevices', this.devices());
  }

  async setOutput(deviceId: string): Promise<void> {
    await this.audio.speakerDevices.set(deviceId);
    this.chosenOutput = deviceId;
    this.emit('audioDevices', this.devices());
  }

  private async devicesChanged(lost: MediaDeviceLike[]): Promise<void> {
    try {
      for (const device of lost) {
        const kind = device.kind === 'audiooutput' ? 'output' : 'input';
        const available = kind === 'input' ? this.audio.availableInputDevices : this.audio.availableOutputDevices;
        const fallback = fallbackId(available);
        this.log.warn(`audio ${kind} ${device.label || device.deviceId} went away; falling back to ${fallback ?? 'nothing'}`);
        if (fallback !== null) {
          if (kind === 'input') await this.audio.setInputDevice(fallback);
          else await this.audio.speakerDevices.set(fallback);
        }
        this.emit('audioDeviceLost', { kind, label: device.label || device.deviceId });
      }
      // The chosen headset is back: follow it.
      if (this.chosenInput && this.audio.availableInputDevices.has(this.chosenInput) && this.audio.inputDevice?.deviceId !== this.chosenInput) {
        await this.audio.setInputDevice(this.chosenInput);
      }
      const speaker = [...this.audio.speakerDevices.get()][0]?.deviceId;
      if (this.chosenOutput && this.audio.availableOutputDevices.has(this.chosenOutput) && speaker !== this.chosenOutput) {
        await this.audio.speakerDevices.set(this.chosenOutput);
      }
    } catch (error) {
      this.log.error('could not switch audio devices', String(error));
    }
    this.emit('audioDevices', this.devices());
  }
}
