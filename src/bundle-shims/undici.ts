export class ProxyAgent {
  constructor() {
    throw new Error('undici is left out of this bundle')
  }
}
