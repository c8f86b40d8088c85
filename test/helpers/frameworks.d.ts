// Vue's full build (with the template compiler) has the types of 'vue'.
declare module 'vue/dist/vue.esm-browser.js' {
  export * from 'vue';
}
