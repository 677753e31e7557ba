/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.css'
declare module '*.scss'

/** Compile-time flag: true only in the local H5 build (persona switch, SMS outbox viewer). */
declare const LOCAL_DEV_TOOLS: boolean

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    TARO_ENV: 'weapp' | 'h5'
    TARO_APP_ID: string
    /** CloudBase environment id for the weapp build; empty: the bound environment. */
    TARO_APP_CLOUD_ENV?: string
  }
}
